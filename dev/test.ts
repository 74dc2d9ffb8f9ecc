// npm test: the checks that need no database (they fail in seconds), then the whole suite,
// once per database upstream this machine has.
import { spawnSync } from 'node:child_process';
import { runChecks } from './check.ts';
import './offline-env.ts';
import { onCi } from './ci.ts';
import { findPostgresBinaries, missingBinariesMessage } from './upstreams/binaries.ts';

if (!(await runChecks())) {
  console.error('\nchecks failed: no test ran');
  process.exit(1);
}

const upstreams: string[] = ['embedded'];
const { missing } = findPostgresBinaries();
let skipped = '';
if (missing.length === 0) upstreams.push('postgres');
else if (onCi()) {
  console.error(`CI must test the postgres upstream too, but: ${missingBinariesMessage(missing)}`);
  process.exit(1);
} else skipped = `postgres upstream skipped: ${missingBinariesMessage(missing)}`;

const results = upstreams.map((upstream) => {
  console.log(`\n=== tests against the ${upstream} upstream ===`);
  const run = spawnSync('node_modules/.bin/vitest', ['run', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TEST_UPSTREAM: upstream },
  });
  return { upstream, ok: run.status === 0 };
});

console.log(`\nupstreams tested: ${results.map((r) => `${r.upstream} (${r.ok ? 'passed' : 'FAILED'})`).join(', ')}`);
if (skipped) console.log(skipped);
process.exit(results.every((r) => r.ok) ? 0 : 1);
