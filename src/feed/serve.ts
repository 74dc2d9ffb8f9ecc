import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { ProblemError } from '../lib/problem.ts';
import { CHANGES_DEFAULT_LIMIT } from './query.ts';
import type { Feed } from './source.ts';
import { readChanges } from './statement.ts';
import {
  decodeFeedToken,
  encodeFeedToken,
  feedOwnerTag,
  feedStart,
  laterPosition,
  startOfXid,
  type FeedPosition,
} from './token.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What `since` is told for each way a token can be refused with a 400. */
const REFUSED = {
  malformed: 'is not a token this API issued',
  'another owner': 'was issued to another caller',
  'another feed': 'is a token of another change feed',
} as const;

/** Where the caller's `since` token stands in `feed`, or the problem it is: 400 (not ours, another owner's or another feed's), 410 (too old). */
function sinceOf(feed: Feed, token: string | undefined, ownerTag: string, retentionDays: number): FeedPosition {
  if (token === undefined) return feedStart(feed);
  const decoded = decodeFeedToken(feed, token, ownerTag);
  if (!decoded.ok) {
    if (decoded.reason === 'ids changed') throw idsChanged();
    const message = REFUSED[decoded.reason];
    const detail =
      decoded.reason === 'another feed'
        ? `since ${message}: ${feed.route} takes only the \`next\` of its own answers (each feed orders its changes its own way). Pass that, or leave since out to start from the beginning.`
        : `since ${message}: pass the \`next\` of your own last answer, or leave it out.`;
    throw new ProblemError(400, detail, { errors: [{ path: 'since', message }] });
  }
  if (Date.now() - decoded.issuedAt.getTime() > retentionDays * DAY_MS) throw expiredToken(retentionDays);
  return decoded.position;
}

/** A token of before migration 0010: every todo id changed since, so the client's copy names ids that no longer exist. */
const idsChanged = () =>
  new ProblemError(
    410,
    'The since token was issued before todo ids became UUIDs: every id has changed since. Start again without since, and replace your local copy with what it returns.',
  );

const expiredToken = (retentionDays: number) =>
  new ProblemError(
    410,
    `The since token is older than the ${retentionDays}-day retention of deletions, so some may be forgotten: start again without since, and replace your local copy with what it returns.`,
  );

/** Deletions after the token were purged: by the daily cleanup past the retention, or past the owner's kept deletions. */
const deletionsForgotten = (retentionDays: number, keptDeletions: number) =>
  new ProblemError(
    410,
    `Deletions after the since token have been forgotten (they are kept for ${retentionDays} days, and at most ${keptDeletions} per owner): start again without since, and replace your local copy with what it returns.`,
  );

/**
 * One page of `feed` after the caller's `since`: the answer's JSON text,
 * assembled from each change's JSON as Postgres wrote it (a page may hold a
 * thousand changes: no parse and re-serialise in the Worker). One round trip.
 */
export async function answerChanges(
  c: Context<AppEnv>,
  feed: Feed,
  { since: token, limit = CHANGES_DEFAULT_LIMIT }: { since?: string; limit?: number },
): Promise<Response> {
  const ownerTag = await feedOwnerTag(c.get('owner'));
  const retentionDays = c.var.settings.CHANGES_RETENTION_DAYS;
  const since = sinceOf(feed, token, ownerTag, retentionDays);
  const page = await c.var.db.query((tx) => readChanges(tx, feed, since, limit), { idempotent: true });
  // Deletions after `since` were purged: the client cannot be told of them.
  if (token !== undefined && page.purgedThrough !== null && BigInt(since.xid) <= BigInt(page.purgedThrough))
    throw deletionsForgotten(retentionDays, c.var.settings.TODO_QUOTA);
  const more = page.rows.length > limit;
  const changes = page.rows.slice(0, limit);
  const last = changes[changes.length - 1];
  // A full page ends at its last change; the last page at the horizon (below it, everything has been handed out).
  const next =
    more && last
      ? { xid: last.xid, kind: last.kind, id: last.id }
      : laterPosition(feed, since, startOfXid(feed, page.horizon));
  const body = `{"changes":[${changes.map((row) => row.change).join(',')}],"next":${JSON.stringify(
    encodeFeedToken(feed, next, ownerTag, new Date()),
  )},"more":${more}}`;
  // Lists, the feed and the export are one caller's data, read fresh each time: no cache, shared or private, keeps them.
  return c.body(body, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' });
}
