// Fails when the committed worker-configuration.d.ts is not what `npm run cf-typegen` would write now
// (a new wrangler, compatibility date or flag). `wrangler types --check` compares only the file's header
// line; this compares the whole file, against one generated into a temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import './offline-env.ts';

const COMMITTED = 'worker-configuration.d.ts';
const dir = mkdtempSync(join(tmpdir(), 'cf-typegen-'));
try {
  const fresh = join(dir, COMMITTED);
  const run = spawnSync('node_modules/.bin/wrangler', ['types', fresh, '--include-env=false', '--env='], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`wrangler types failed:\n${run.stdout}${run.stderr}`);
  if (readFileSync(fresh, 'utf8') !== readFileSync(COMMITTED, 'utf8')) {
    console.error(`${COMMITTED} is out of date: run npm run cf-typegen and commit it`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
