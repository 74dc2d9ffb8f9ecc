import type { MiddlewareHandler } from 'hono';
import { validTraceparent } from '../../lib/traceparent.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Ours, always: the problem's `instance`, the `X-Request-Id` answered and the log's `requestId`. */
    requestId: string;
    /** The caller's own `X-Request-Id`, when sane: logged beside ours, never trusted as ours. */
    clientRequestId?: string;
    /** The caller's W3C `traceparent`, when valid: logged, and passed on to the database's HTTP requests. */
    traceparent?: string;
  }
}

/** What a caller's id may look like to be logged: short, and nothing that could forge a log field. */
const SANE_ID = /^[\w\-=.:]{1,200}$/;

/**
 * Gives every request an id of our own (a random UUID), answered as
 * `X-Request-Id`. hono's `requestId` keeps a caller's id instead, which lets a
 * client choose the `instance` of its problems and collide with other
 * requests in the logs; here the caller's value, when sane, is only logged
 * beside ours, so a trace can still be followed across systems; so is a
 * valid W3C `traceparent`, which the database's requests carry on.
 */
export function requestId(): MiddlewareHandler {
  return async function requestId(c, next) {
    const id = crypto.randomUUID();
    c.set('requestId', id);
    const theirs = c.req.header('x-request-id');
    if (theirs !== undefined && SANE_ID.test(theirs)) c.set('clientRequestId', theirs);
    const traceparent = c.req.header('traceparent');
    if (traceparent !== undefined) c.set('traceparent', validTraceparent(traceparent));
    c.header('X-Request-Id', id);
    await next();
  };
}
