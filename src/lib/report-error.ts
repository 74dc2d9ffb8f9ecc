import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { logFailure } from './log-failure.ts';

/**
 * An error reporter (Sentry's `captureException`, or any other): called with
 * every error the app answers with a 500, and the request's context (its
 * request id is `c.get('requestId')`, its settings `c.env`). A promise it
 * returns is left to finish after the response (`waitUntil`); anything else it
 * returns (captureException's event id) is ignored.
 */
export type ReportError = (err: unknown, c: Context<AppEnv>) => unknown;

/**
 * Hands `err` to `report`, which can never change the answer: what it throws
 * or rejects with is logged, and the client still gets its 500.
 */
export function reportTo(report: ReportError | undefined, err: unknown, c: Context<AppEnv>): void {
  if (!report) return;
  const failed = (reason: unknown) => logFailure(c, reason, 'reportError');
  try {
    const pending = report(err, c);
    if (pending instanceof Promise) c.executionCtx.waitUntil(pending.catch(failed));
  } catch (reason) {
    failed(reason);
  }
}
