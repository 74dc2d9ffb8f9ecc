-- Each todo's version (README: "Versions and conditional requests"): 1 at creation, +1 on every PATCH.
-- A constant default: existing rows read as version 1 without a table rewrite (Postgres 11+).
ALTER TABLE "todos" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_version_positive" CHECK ("todos"."version" >= 1);