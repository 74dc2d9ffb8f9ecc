DROP INDEX "todos_created_id_idx";--> statement-breakpoint
DROP INDEX "todos_done_created_id_idx";--> statement-breakpoint
CREATE INDEX "todos_created_id_idx" ON "todos" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "todos_done_created_id_idx" ON "todos" USING btree ("done","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);