import { OpenAPIHono } from '@hono/zod-openapi';
import { TrieRouter } from 'hono/router/trie-router';
import type { AppEnv } from '../env.ts';
import { validationHook } from './validation.ts';

/**
 * Makes every router of the app, so each one answers validation failures with
 * the same problem format. (@hono/zod-openapi 1.6 does pass a parent's
 * `defaultHook` to routers mounted with `.route()`; setting it on each as
 * well keeps a router correct on its own, as the tests use it.)
 */
export function createRouter() {
  // TrieRouter, named: hono's default (SmartRouter) first tries RegExpRouter, which cannot take /todos/changes
  // beside /todos/:id for the same method, so on the first request it builds that, throws, and settles on
  // TrieRouter anyway: a cold request paid for a router it never used.
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never, router: new TrieRouter() });
}
