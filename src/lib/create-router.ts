import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { validationHook } from './validation.ts';

/**
 * Makes every router of the app, so each one answers validation failures with
 * the same problem format (a hook set on one app is not inherited by another).
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
}
