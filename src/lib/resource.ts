import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Schema } from 'hono';
import type { AppEnv } from '../env.ts';

/**
 * What a resource gives the app: its routes (made with createRouter, each
 * declared with defineRoute) and its OpenAPI tag. src/app.ts mounts each one
 * listed in its `resources`, so adding a resource is its folder plus one line.
 */
export interface Resource<Router extends OpenAPIHono<AppEnv, Schema, '/'> = OpenAPIHono<AppEnv, Schema, '/'>> {
  router: Router;
  tag: { name: string; description: string };
}

/** Declares a resource, keeping its router's type (the typed client reads routes from it). */
export const resource = <Router extends OpenAPIHono<AppEnv, Schema, '/'>>(r: Resource<Router>): Resource<Router> => r;
