import pg from 'pg';

export interface Outcome {
  op: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  at: number;
}

/**
 * What the clients were told: each acknowledged todo's owner and last state, null once its
 * deletion was acknowledged, 'unknown' while a delete went unanswered.
 */
export type Ledger = Map<number, { owner: string; text: string; done: boolean } | null | 'unknown'>;

/** Who a client acts as: an owner id, and the bearer token that makes it (none: anonymous, `anonymous`). */
export interface LoadOwner {
  owner: string;
  token?: string;
}

/**
 * Runs `clients` concurrent clients against the API for `durationMs`, or
 * until `until` settles if that comes first, each acting as one of `owners`
 * in turn and mixing create (with an Idempotency-Key, retried until
 * acknowledged), list, get, patch and delete on its own todos, and records
 * every outcome and what it was told. A listing that shows a todo of this run
 * made by a client of another owner is recorded in `leaks`. Bounded: it stops
 * by itself.
 */
export async function runLoad({
  url,
  clients,
  durationMs,
  tag,
  timeoutMs = 10_000,
  onOutcome,
  until,
  owners = [{ owner: 'anonymous' }],
}: {
  url: string;
  clients: number;
  durationMs: number;
  tag: string;
  timeoutMs?: number;
  /** Sees each outcome as it is recorded: a test's signal that the load is under way. */
  onOutcome?: (outcome: Outcome, all: readonly Outcome[]) => void;
  /** Once it settles, clients start nothing new (an unacknowledged create is still asked again). */
  until?: Promise<unknown>;
  /** Client n acts as owners[n % owners.length]; default: everyone anonymous. */
  owners?: LoadOwner[];
}) {
  const outcomes: Outcome[] = [];
  const ledger: Ledger = new Map();
  const leaks: string[] = [];
  const deadline = Date.now() + durationMs;
  let ended = false;
  const end = () => {
    ended = true;
  };
  until?.then(end, end);
  const going = () => !ended && Date.now() < deadline;
  const ownerOf = (n: number) => owners[n % owners.length]!;
  /** The client that wrote a todo of this run, from its text. */
  const writerOf = (text: string) =>
    text.startsWith(`${tag} c`) ? Number(/^ c(\d+) /.exec(text.slice(tag.length))?.[1]) : undefined;

  const record = (outcome: Outcome) => {
    outcomes.push(outcome);
    onOutcome?.(outcome, outcomes);
  };
  const request = async (n: number, op: string, path: string, init: RequestInit = {}) => {
    const started = Date.now();
    const { token } = ownerOf(n);
    const headers = {
      ...(init.headers as Record<string, string> | undefined),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
    try {
      const res = await fetch(`${url}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      const body = res.status === 204 ? null : await res.json().catch(() => null);
      record({
        op,
        status: res.status,
        ms: Date.now() - started,
        retryAfter: res.headers.get('retry-after'),
        at: started,
      });
      return { status: res.status, body: body as any };
    } catch {
      record({ op, status: 0, ms: Date.now() - started, retryAfter: null, at: started });
      return { status: 0, body: null };
    }
  };
  const json = (method: string, body: unknown, extra: Record<string, string> = {}) => ({
    method,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...extra },
  });

  /** Every todo of this run a listing showed client n must be one of its owner's. */
  const checkListing = (n: number, body: any) => {
    for (const item of (body?.items ?? []) as { id: number; text: string }[]) {
      const writer = writerOf(item.text);
      if (writer !== undefined && ownerOf(writer).owner !== ownerOf(n).owner) {
        leaks.push(
          `client ${n} (${ownerOf(n).owner}) was shown todo ${item.id} of client ${writer} (${ownerOf(writer).owner})`,
        );
      }
    }
  };

  const client = async (n: number) => {
    const mine: number[] = [];
    const { owner } = ownerOf(n);
    for (let i = 0; going(); i++) {
      const roll = i % 6;
      if (roll === 0 || mine.length === 0) {
        const text = `${tag} c${n} #${i}`;
        // Clients n.. of consecutive owners share their keys (each with its own text): keys are per owner, so each
        // gets its own todo; were they shared across owners, all but one would be refused (422) or replay another's.
        const key = `${tag}-${n - (n % owners.length)}-${i}`;
        // A client that was not told the outcome asks again with the same key until it is.
        for (let attempt = 0; attempt < 50 && Date.now() < deadline + 20_000; attempt++) {
          const res = await request(n, 'create', '/todos', json('POST', { text }, { 'idempotency-key': key }));
          if (res.status === 201) {
            mine.push(res.body.id);
            ledger.set(res.body.id, { owner, text, done: false });
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      } else if (roll === 1) {
        checkListing(n, (await request(n, 'list', '/todos?limit=20')).body);
      } else if (roll === 2) {
        checkListing(n, (await request(n, 'list-done', '/todos?done=true&limit=5')).body);
      } else if (roll === 3) {
        await request(n, 'get', `/todos/${mine[i % mine.length]}`);
      } else if (roll === 4) {
        const id = mine[i % mine.length]!;
        const res = await request(n, 'patch', `/todos/${id}`, json('PATCH', { done: true }));
        if (res.status === 200) ledger.set(id, { owner, text: res.body.text, done: true });
      } else {
        const id = mine.pop()!;
        const res = await request(n, 'delete', `/todos/${id}`, { method: 'DELETE' });
        // 404 on a repeat means an earlier, unanswered delete did land.
        if (res.status === 204 || (res.status === 404 && ledger.get(id) === 'unknown')) ledger.set(id, null);
        else {
          ledger.set(id, 'unknown');
          mine.unshift(id);
        } // unanswered: it may or may not be gone; ask again later
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  return { outcomes, ledger, leaks };
}

/**
 * Compares the table with what clients were told, owner by owner: every
 * acknowledged todo is there, its owner's, in its acknowledged state; every
 * acknowledged delete is gone; and no row with this run's tag exists that no
 * client was told about. Read as the tables' owner (`ownerUrl`), past
 * row-level security.
 */
export async function ledgerMismatches(ownerUrl: string, tag: string, ledger: Ledger): Promise<string[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number; owner: string; text: string; done: boolean }>(
      'select id, owner, text, done from todos where text like $1',
      [`${tag} %`],
    );
    const problems: string[] = [];
    const inTable = new Map(rows.map((r) => [r.id, r]));
    for (const [id, expected] of ledger) {
      if (expected === 'unknown') continue;
      const row = inTable.get(id);
      if (expected === null && row) problems.push(`todo ${id} was deleted (204) but is still there`);
      if (expected && !row) problems.push(`todo ${id} was acknowledged but is missing`);
      if (expected && row && row.owner !== expected.owner)
        problems.push(`todo ${id} was acknowledged to ${expected.owner} but belongs to ${row.owner}`);
      // An unanswered PATCH may have landed, so done=true where false was last acknowledged is fine; the reverse is not.
      if (expected && row && (row.text !== expected.text || (expected.done && !row.done)))
        problems.push(`todo ${id} is not in its acknowledged state`);
    }
    for (const row of rows)
      if (!ledger.has(row.id)) problems.push(`todo ${row.id} exists but no client was told about it`);
    return problems;
  } finally {
    await client.end();
  }
}

/**
 * A runLoad option and a promise: the promise settles once the load has had
 * `count` successful answers (counting only requests started at or after
 * `since()`, when given), so a fault is injected into a load under way, or
 * the load is ended once it has shown what a test needs.
 */
export function afterSuccesses(count: number, since: () => number = () => 0) {
  let reached!: () => void;
  const underWay = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let successes = 0;
  const onOutcome = (outcome: Outcome) => {
    if (outcome.status >= 200 && outcome.status < 300 && outcome.at >= since() && ++successes === count) reached();
  };
  return { onOutcome, underWay };
}
