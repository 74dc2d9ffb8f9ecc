import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { offlineEnv } from '../../../dev/offline-env.ts';

it('the committed OpenAPI document passes `redocly lint` with no errors', async () => {
  const run = await promisify(execFile)('node_modules/.bin/redocly', ['lint', 'openapi.json', '--format=json'], {
    env: { ...process.env, ...offlineEnv },
  }).catch((err) => err as { stdout: string });
  const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
    totals: { errors: number };
    problems: { message: string }[];
  };
  expect(report.problems.filter((p: any) => p.severity === 'error').map((p) => p.message)).toEqual([]);
  expect(report.totals.errors).toBe(0);
}, 60_000);
