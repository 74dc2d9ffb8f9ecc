import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import '../offline-env.ts';

export interface Bundle {
  /** Folder holding the built Worker (index.js). */
  dir: string;
  /** The Worker's main module file name in `dir`. */
  main: string;
  /** Minified size of the main module, bytes. */
  minifiedBytes: number;
  /** The same, gzipped at zlib's default level (what Cloudflare's upload limit counts), bytes. */
  gzipBytes: number;
}

/**
 * Builds the Worker exactly as `npm run deploy` would upload it
 * (`wrangler deploy --dry-run --minify`), into `outDir`. The benchmark runs
 * this very file under workerd, so the measured Worker is the deployed one.
 * With `entry` (a bench-only entry such as dev/bench/ws-worker.ts), the same
 * build with that file in place of wrangler.jsonc's `main`; `minify: false`
 * keeps the source's names and layout (CPU profiles).
 */
export async function buildBundle(outDir: string, entry?: string, { minify = true } = {}): Promise<Bundle> {
  try {
    await promisify(execFile)(
      'node_modules/.bin/wrangler',
      // --env=: the top level (production), named as npm run deploy names it.
      ['deploy', '--dry-run', '--env=', ...(minify ? ['--minify'] : []), '--outdir', outDir, ...(entry ? [entry] : [])],
      { env: process.env },
    );
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(
      `wrangler could not build the Worker: ${(stderr || stdout || (err as Error).message).trim().split('\n').slice(-5).join(' ')}`,
    );
  }
  const main = entry ? `${basename(entry, extname(entry))}.js` : 'index.js';
  const code = readFileSync(join(outDir, main));
  return { dir: outDir, main, minifiedBytes: code.length, gzipBytes: gzipSync(code).length };
}
