// The checks that need no database: runtime types current, type check, lint, format. `npm run check`
// runs them alone; `npm test` runs them first and stops there on a failure. They run side by side (the
// slow two, tsc and eslint, use a core each) and each one's output is printed whole when it ends.
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import './offline-env.ts';

const CHECKS = [
  { name: 'runtime types are current (npm run types)', script: ['types', '--', '--check'] },
  { name: 'type check (npm run typecheck)', script: ['typecheck'] },
  { name: 'lint (npm run lint)', script: ['lint'] },
  { name: 'format (npm run format:check; `npm run format` fixes it)', script: ['format:check'] },
];

function run(name: string, script: string[]): Promise<boolean> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', ...script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`${code === 0 ? 'ok    ' : 'FAILED'} ${name} (${seconds} s)`);
      if (code !== 0) console.log(output.trimEnd().replace(/^/gm, '    '));
      resolve(code === 0);
    });
  });
}

/** Runs every check; true when all passed. */
export async function runChecks(): Promise<boolean> {
  console.log('=== checks ===');
  const results = await Promise.all(CHECKS.map((c) => run(c.name, c.script)));
  return results.every(Boolean);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit((await runChecks()) ? 0 : 1);
