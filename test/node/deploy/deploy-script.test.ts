import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { identityProblems, readSettings } from '../../../dev/deploy.ts';
import { readRawWranglerConfig, writeWranglerConfig, type RawWranglerConfig } from '../../../dev/wrangler-config.ts';

const DB_PASSWORD = 'npg_S3cretPooled';
const DIRECT_PASSWORD = 'npg_S3cretDirect';
const TOKEN = 'tok_Sup3rSecret_0123456789abcdef0123';
// Neon's domain apart, so that no line reads as a committed connection string with a password.
const NEON = 'eu-central-1.aws.neon.tech';
const POOLED = `postgresql://app:${DB_PASSWORD}@ep-cool-fog-123-pooler.${NEON}/neondb?sslmode=require`;
const DIRECT = `postgresql://owner:${DIRECT_PASSWORD}@ep-cool-fog-123.${NEON}/neondb?sslmode=require`;

/** `npm run deploy -- ARGS`, as CI runs it, without a single credential: what it printed and its exit code. */
function deploy(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync('node_modules/.bin/tsx', ['dev/deploy.ts', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

// A config beside the real one, under .tmp/ (git-ignored): paths point back at the project.
const TMP = join('.tmp', `deploy-test-${process.pid}`);
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
function configWith(edit: (config: RawWranglerConfig) => void): string {
  mkdirSync(TMP, { recursive: true });
  const config = readRawWranglerConfig();
  const up = (path: string) => join('..', '..', path);
  config.main = up(config.main as string);
  config.alias = Object.fromEntries(
    Object.entries(config.alias as object).map(([name, to]) => [name, up(to as string)]),
  );
  config.assets = { directory: up('public') }; // the build command runs in the project's folder, as it is
  edit(config);
  const path = join(TMP, `wrangler-${Math.random().toString(36).slice(2)}.jsonc`);
  writeWranglerConfig(path, config);
  return path;
}

// Each case spawns wrangler (a few seconds each, more on a busy machine). None depends on the database upstream,
// so they run once per `npm test`, with the embedded one.
describe.runIf(inject('backend') === 'embedded')('npm run deploy -- --dry-run', { timeout: 120_000 }, () => {
  it('builds and checks what would be uploaded with no credential at all, and says what it would run', () => {
    const { status, out } = deploy(['--dry-run']);
    expect(status, out).toBe(0);
    expect(out).toContain('deploy: DRY RUN: nothing is uploaded or migrated');
    expect(out).toMatch(
      /migrations: would apply the pending ones of 0000_init, 0001_list_indexes_match_order, 0002_keys_created_at \(alone, no transaction\)/,
    );
    expect(out).toMatch(/\[custom build\] Running: node dev\/copy-assets\.mjs/);
    expect(out).toMatch(
      /checked: bundle [\d.]+ KiB, [\d.]+ KiB gzipped \(Workers Free allows 3 MiB\), source map present/,
    );
    expect(out).toMatch(/checked: \d+ modules bundled, none from dev\/ or test\//);
    expect(out).toContain('env.DATABASE_URL ("(hidden)")');
    expect(out).toContain('would run: wrangler deploy --minify --secrets-file /dev/stdin');
    expect(out).toContain('deploy: dry run passed');
  });

  it('passes the secrets it is given through stdin as hidden bindings, and never prints them', () => {
    const { status, out } = deploy(['--dry-run'], {
      DATABASE_URL: POOLED,
      DIRECT_DATABASE_URL: DIRECT,
      API_TOKENS: TOKEN,
    });
    expect(status, out).toBe(0);
    expect(out).toContain('env.DATABASE_URL ("(hidden)")');
    expect(out).toContain('env.API_TOKENS ("(hidden)")');
    expect(out).toContain('postgresql://app:***@ep-cool-fog-123-pooler.eu-central-1.aws.neon.tech/neondb');
    for (const secret of [DB_PASSWORD, DIRECT_PASSWORD, TOKEN]) expect(out).not.toContain(secret);
  });

  it('plans a gradual rollout: builds the version, and says how traffic would be split', () => {
    const { status, out } = deploy(['--dry-run', '--gradual', '10', '--skip-migrations']);
    expect(status, out).toBe(0);
    expect(out).toContain('migrations: skipped (--skip-migrations)');
    expect(out).toContain(
      'would run: wrangler versions upload --minify --secrets-file /dev/stdin; wrangler versions deploy <new>@10 <current>@90 -y; wrangler triggers deploy',
    );
  });

  it('builds the staging Worker from its own environment, with every binding repeated there', () => {
    const { status, out } = deploy(['--dry-run', '--env', 'staging', '--skip-migrations']);
    expect(status, out).toBe(0);
    expect(out).toContain('deploy: DRY RUN: nothing is uploaded or migrated to the staging environment');
    expect(out).toContain('env.RATE_LIMITER (10000 requests/60s)');
    expect(out).toContain('deploy: dry run passed');
  });

  it('refuses a build without the per-owner rate limit', () => {
    const config = configWith((config) => {
      config.ratelimits = config.ratelimits!.filter((limit) => limit.name !== 'OWNER_RATE_LIMITER');
    });
    const { status, out } = deploy(['--dry-run', '--config', config]);
    expect(status).toBe(1);
    expect(out).toContain('binding OWNER_RATE_LIMITER is missing from the upload');
  });

  it('fails on a key wrangler only warns about (one in the wrong object) and on a local-only var', () => {
    const config = configWith((config) => {
      config.vars!.NEON_LOCAL_GATEWAY = '127.0.0.1:4444';
      (config.assets as Record<string, unknown>).workers_dev = false;
    });
    const { status, out } = deploy(['--dry-run', '--config', config]);
    expect(status).toBe(1);
    expect(out).toContain('error: the build is not fit to deploy:');
    expect(out).toMatch(
      /- wrangler warned: Processing .*wrangler-\w+\.jsonc configuration: - Unexpected fields found in assets field: "workers_dev"\n/,
    );
    expect(out).toContain('NEON_LOCAL_GATEWAY would be deployed: it is for local runs only');
  });

  it('refuses an issuer without AUTH_AUDIENCE before building or uploading anything', () => {
    const config = configWith((c) => {
      c.vars = {
        ...(c.vars as object),
        AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
        AUTH_ISSUER: 'https://idp.example/',
      };
    });
    const { status, out } = deploy(['--dry-run', '--config', config]);
    expect(status, out).toBe(1);
    expect(out).toMatch(/cannot deploy, the Worker would refuse its identity settings: AUTH_AUDIENCE must be set/);
    expect(out).not.toContain('[custom build]');
    expect(out).not.toContain('checked: bundle');
  });
});

describe('the identity settings a deploy would upload', () => {
  const issuer = { AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example/' };

  it('wants AUTH_AUDIENCE with an issuer: an audience, or * said on purpose', () => {
    expect(identityProblems(issuer, undefined)).toEqual([expect.stringMatching(/^AUTH_AUDIENCE must be set/)]);
    expect(identityProblems({ ...issuer, AUTH_AUDIENCE: '' }, undefined)).toHaveLength(1);
    expect(identityProblems({ ...issuer, AUTH_AUDIENCE: 'https://api.example' }, undefined)).toEqual([]);
    expect(identityProblems({ ...issuer, AUTH_AUDIENCE: '*' }, undefined)).toEqual([]);
    expect(identityProblems({ CORS_ORIGINS: '*' }, undefined)).toEqual([]);
  });

  it('refuses a short static token it would upload, naming the entry and never the token', () => {
    const problems = identityProblems({}, 'ci:Sh0rtS3cret');
    expect(problems).toEqual([expect.stringMatching(/^API_TOKENS the entry named ci is a token of fewer than 32/)]);
    expect(problems.join()).not.toContain('Sh0rtS3cret');
    expect(identityProblems({}, TOKEN)).toEqual([]);
  });

  it('refuses a var that is not a string', () => {
    expect(identityProblems({ ...issuer, AUTH_AUDIENCE: ['a'] }, undefined)).toContainEqual(
      expect.stringMatching(/^AUTH_AUDIENCE must be a string/),
    );
  });
});

describe('the settings a deploy needs', () => {
  const dryRun = { dryRun: true };

  it('refuses the direct URL for the Worker and the pooled one for migrations, naming neither password', () => {
    expect(() => readSettings({ DATABASE_URL: DIRECT, DIRECT_DATABASE_URL: POOLED }, dryRun)).toThrow(
      "cannot deploy: DATABASE_URL must be Neon's POOLED URL (host ep-...-pooler.<region>...), not ep-cool-fog-123.eu-central-1.aws.neon.tech; " +
        "DIRECT_DATABASE_URL must be Neon's DIRECT URL (host without -pooler), not ep-cool-fog-123-pooler.eu-central-1.aws.neon.tech",
    );
  });

  it("refuses a Worker that would log in as the tables' owner, the role that migrates", () => {
    const asOwner = POOLED.replace('//app:', '//owner:');
    expect(() => readSettings({ DATABASE_URL: asOwner, DIRECT_DATABASE_URL: DIRECT }, dryRun)).toThrow(
      "cannot deploy: DATABASE_URL logs in as owner, the role of DIRECT_DATABASE_URL (the tables' owner): give the Worker its own login role, a member of todo_app, and put that role's pooled URL in DATABASE_URL",
    );
  });

  it('needs the Cloudflare token and account under CI, and both URLs, for a real deploy', () => {
    expect(() => readSettings({ CI: 'true' }, { dryRun: false })).toThrow(
      'cannot deploy: CLOUDFLARE_API_TOKEN is not set (CI cannot log in interactively); CLOUDFLARE_ACCOUNT_ID is not set (CI cannot log in interactively); DATABASE_URL is not set; DIRECT_DATABASE_URL is not set',
    );
    expect(readSettings({ DATABASE_URL: POOLED }, { dryRun: false, migrate: false })).toEqual({ databaseUrl: POOLED });
  });

  it('does not upload an empty API_TOKENS (an unset GitHub secret), which would open a protected API', () => {
    expect(readSettings({ DATABASE_URL: POOLED, DIRECT_DATABASE_URL: DIRECT, API_TOKENS: '' }, dryRun)).toEqual({
      databaseUrl: POOLED,
      directUrl: DIRECT,
    });
    expect(
      readSettings({ DATABASE_URL: POOLED, DIRECT_DATABASE_URL: DIRECT, API_TOKENS: TOKEN }, dryRun).apiTokens,
    ).toBe(TOKEN);
  });

  it('wants postgres:// URLs', () => {
    expect(() => readSettings({ DATABASE_URL: 'https://example.com', DIRECT_DATABASE_URL: 'nope' }, dryRun)).toThrow(
      'cannot deploy: DATABASE_URL must be a postgres:// URL, not https://...; DIRECT_DATABASE_URL is not a URL',
    );
  });
});
