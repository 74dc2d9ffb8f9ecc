// The checks that need no database: format, type check, lint, and the committed runtime types still current. `npm run check`
// runs them alone; `npm test` runs them first. They run side by side (tsc and eslint take a core each),
// each one's output is printed whole when it ends, and the first failure stops the others: a newcomer
// who broke the format or a type learns it in seconds, before any database starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import './offline-env.ts';

const CHECKS = [
  { name: 'format (npm run format:check; `npm run format` fixes it)', command: ['npm', 'run', '-s', 'format:check'] },
  { name: 'type check (npm run typecheck)', command: ['npm', 'run', '-s', 'typecheck'] },
  { name: 'lint (npm run lint)', command: ['npm', 'run', '-s', 'lint'] },
  {
    name: 'runtime types current (`npm run cf-typegen` rewrites worker-configuration.d.ts)',
    command: ['node_modules/.bin/tsx', 'dev/cf-typegen-check.ts'],
  },
];

/** Runs every check; true when all passed. */
export async function runChecks(): Promise<boolean> {
  console.log('=== checks ===');
  const started = performance.now();
  const running = new Set<ChildProcess>();
  let failed = false;
  const run = (name: string, [command, ...args]: string[]) =>
    new Promise<void>((resolve) => {
      // Its own process group, so that stopping it stops the tool npm started, too.
      const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      running.add(child);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => {
        running.delete(child);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (code === 0) console.log(`ok      ${name} (${seconds} s)`);
        else if (failed) console.log(`stopped ${name}`);
        else {
          failed = true;
          console.log(`FAILED  ${name} (${seconds} s)\n${output.trimEnd().replace(/^/gm, '    ')}`);
          for (const other of running) process.kill(-other.pid!, 'SIGTERM');
        }
        resolve();
      });
    });
  await Promise.all(CHECKS.map((c) => run(c.name, c.command)));
  return !failed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit((await runChecks()) ? 0 : 1);
