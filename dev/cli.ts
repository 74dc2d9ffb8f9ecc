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
      (err) => { console.error(`shutdown failed: ${(err as Error).message}`); process.exit(1); },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Ends a tool with one sentence on stderr and a non-zero exit. */
export function die(err: unknown): never {
  console.error(`error: ${(err as Error).message ?? err}`);
  process.exit(1);
}

/** The `--backend embedded|postgres` flag that `npm run db` and `npm run dev` share. */
export const BACKEND_FLAG = { backend: { type: 'string', default: 'embedded' } } as const;

/** The upstream a `--backend` value names; any other value ends the tool with a clear sentence. */
export function backendFlag(value: string | undefined): Backend {
  if (value === 'embedded' || value === 'postgres') return value;
  die(new Error(`--backend must be embedded or postgres, not ${value}`));
}
