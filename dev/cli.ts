import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Backend } from './stack.ts';

/** Parses flags for a dev tool; on a bad flag prints one clear sentence and exits 2. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  try {
    return parseArgs({ options, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\nusage: ${usage}`);
    process.exit(2);
  }
}

/** Runs `cleanup` once on Ctrl-C or SIGTERM, then exits. */
export function onShutdown(cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    cleanup().then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      (err) => {
        console.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Secrets this process knows (passwords of connection strings it was given): never printed, in any form. */
const secrets = new Set<string>();

/** Remembers a secret so that `scrub` masks it wherever it appears (raw, URL-encoded or decoded). */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
  try {
    secrets.add(decodeURIComponent(value));
  } catch {
    /* not URL-encoded */
  }
}

/**
 * Masks what must never reach a terminal or a CI log: the password of any URL
 * (`scheme://user:***@host`), `password=...` in a key/value connection string, and
 * every registered secret.
 */
export function scrub(text: string): string {
  let out = text
    .replace(/([a-z][\w+.-]*:\/\/[^\s:@/'"]*):[^\s@/'"]*@/gi, '$1:***@')
    .replace(/\b(password|pass|pwd|PGPASSWORD)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;]+)/gi, '$1$2***');
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret.length >= 3) out = out.split(secret).join('***');
  return out;
}

/**
 * A connection string fit to print: the password masked (and registered, so no error
 * message can repeat it). Not a URL: a fixed placeholder.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    registerSecret(parsed.password);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<not a URL>';
  }
}

type ErrorLike = Error & {
  code?: unknown;
  detail?: unknown;
  hint?: unknown;
  address?: unknown;
  port?: unknown;
  errors?: unknown;
};

/**
 * An error and its causes, one entry each, outermost first: the message (up to 12 lines),
 * the code (a Postgres SQLSTATE or a system errno), Postgres's detail and hint, and the
 * address of a failed connection. Drizzle's "Failed query" keeps the driver's error in
 * `cause`, a refused connection to a name with two addresses is an AggregateError
 * of both, and the driver's WebSocket rejects with an ErrorEvent holding the error:
 * all of it is shown, scrubbed.
 */
export function describeError(err: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (e === undefined || e === null || seen.has(e) || depth > 8) return;
    seen.add(e);
    if (!(e instanceof Error)) {
      // A WebSocket failure reaches us as an ErrorEvent: the real error is inside it.
      const inner = e as { error?: unknown; message?: unknown };
      if (inner.error instanceof Error) visit(inner.error, depth + 1);
      else
        lines.push(
          scrub(typeof inner.message === 'string' ? inner.message : Object.prototype.toString.call(e)).slice(0, 500),
        );
      return;
    }
    const { code, detail, hint, address, port, errors } = e as ErrorLike;
    // Every line of the message (a list of findings is one error), indented under the first.
    const first =
      e.message
        .split('\n')
        .slice(0, 12)
        .map((line) => line.slice(0, 500))
        .join('\n    ')
        .trimEnd() || e.name;
    const facts = [
      typeof code === 'string' && !first.includes(code) ? (/^[0-9A-Z]{5}$/.test(code) ? `SQLSTATE ${code}` : code) : '',
      typeof address === 'string' && !first.includes(address)
        ? `at ${address}${typeof port === 'number' || typeof port === 'string' ? `:${port}` : ''}`
        : '',
      typeof detail === 'string' ? `detail: ${detail}` : '',
      typeof hint === 'string' ? `hint: ${hint}` : '',
    ].filter(Boolean);
    // An AggregateError without a message of its own says nothing: its parts speak for it.
    if (!(Array.isArray(errors) && !e.message))
      lines.push(scrub(facts.length ? `${first} (${facts.join('; ')})` : first));
    if (Array.isArray(errors)) for (const part of errors) visit(part, depth + 1);
    visit(e.cause, depth + 1);
  };
  visit(err, 0);
  return lines.length ? lines : ['unknown error'];
}

/** Ends a tool with what went wrong and why (each cause on its own line, secrets masked) and a non-zero exit. */
export function die(err: unknown): never {
  const [what, ...causes] = describeError(err);
  console.error(`error: ${what}${causes.map((cause) => `\n  cause: ${cause}`).join('')}`);
  process.exit(1);
}

/** The `--backend embedded|postgres` flag that `npm run db` and `npm run dev` share. */
export const BACKEND_FLAG = { backend: { type: 'string', default: 'embedded' } } as const;

/** The upstream a `--backend` value names; any other value ends the tool with a clear sentence. */
export function backendFlag(value: string | undefined): Backend {
  if (value === 'embedded' || value === 'postgres') return value;
  die(new Error(`--backend must be embedded or postgres, not ${value}`));
}
