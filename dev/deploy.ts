// npm run deploy [-- --dry-run] [--env staging] [--skip-migrations] [--gradual PERCENT] [--health-url URL] [--message TEXT]
// The deploy, step by step, as .github/workflows/deploy.yml runs it (and as a person can):
//   1. settings from the environment: CLOUDFLARE_API_TOKEN + CLOUDFLARE_ACCOUNT_ID (required under CI;
//      elsewhere `wrangler login` may stand in), DIRECT_DATABASE_URL (migrations: the tables' owner,
//      Neon's direct URL), DATABASE_URL (the Worker's secret: its login role, Neon's pooled URL; never
//      the owner), API_TOKENS (optional secret; unset or empty leaves the deployed value as it is);
//   2. migrations through the direct URL, BEFORE the new code goes live (they must stay compatible
//      with the version still running); --skip-migrations when a step before did them (the workflow
//      runs `npm run db:migrate` as a step of its own); then the Worker's first statement through
//      DATABASE_URL: a role that row-level security does not bind is refused (dev/database-role.ts);
//   3. the Worker and its secrets in one upload (`wrangler deploy --secrets-file /dev/stdin`: no
//      placeholder Worker, no moment without DATABASE_URL, no secret on disk), or with --gradual P
//      a new version (`versions upload`) given P% of traffic next to the current one (`versions deploy`);
//   4. with --health-url, GET /health until it answers 200.
// --dry-run needs no credential and no network: it checks the settings given (placeholders for the
// rest), lists the migrations and how each would run, builds exactly what would be uploaded
// (`wrangler deploy --dry-run --outdir <tmp>`, the secrets through the same stdin) and checks it.
// A real deploy makes the same build and checks first, then migrates, then uploads.
import './offline-env.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { checkWorkerRole } from './database-role.ts';
import { die, parseFlags, redactUrl, registerSecret } from './cli.ts';
import { copySwaggerUi, DOCS_DIR, SWAGGER_UI_FILES } from './copy-assets.mjs';
import { applyMigrations, readMigrations } from './migrations.ts';
import { readRawWranglerConfig } from './wrangler-config.ts';
import { parseIdentitySettings, type IdentityEnv } from '../src/auth/identify.ts';

const USAGE =
  'npm run deploy -- [--dry-run] [--env staging] [--skip-migrations] [--gradual PERCENT] [--health-url https://<worker>] [--message TEXT] [--config wrangler.jsonc]';
const WRANGLER = 'node_modules/.bin/wrangler';
/** Workers Free's limit on a Worker's compressed size (Paid: 10 MiB). */
const FREE_PLAN_GZIP_BYTES = 3 * 1024 * 1024;
/** What must never be bundled into the Worker: local tooling and Node-only packages. */
const DEV_ONLY_INPUT =
  /^(dev|test)\/|node_modules\/(@electric-sql\/pglite|pg|pg-[a-z]+|ws|autocannon|drizzle-kit|wrangler|vitest)\//;
/** Neon's domain, kept apart so that no line reads as a committed connection string with a password. */
const NEON_DOMAIN = 'aws.neon.tech';

/** Dry-run placeholders: URLs of the right shape that point nowhere. */
const PLACEHOLDERS = {
  DATABASE_URL: `postgresql://app:placeholder@ep-dry-run-pooler.us-east-2.${NEON_DOMAIN}/neondb?sslmode=require`,
  DIRECT_DATABASE_URL: `postgresql://owner:placeholder@ep-dry-run.us-east-2.${NEON_DOMAIN}/neondb?sslmode=require`,
};

const log = (line: string) => console.log(`deploy: ${line}`);

export interface DeploySettings {
  databaseUrl: string;
  /** Undefined when the migrations are not this run's job. */
  directUrl?: string;
  apiTokens?: string;
}

/**
 * The deploy's settings, checked before anything happens. Neon's URLs are told
 * apart by host: the Worker's must be the pooler (`-pooler.`), the migrations'
 * must not (DDL does not belong behind a transaction pooler); and by role: the
 * Worker's is its login role, never the tables' owner that migrates. Values are never
 * printed; their passwords are registered so no error can print them either.
 */
export function readSettings(
  env: NodeJS.ProcessEnv,
  { dryRun, migrate = true }: { dryRun: boolean; migrate?: boolean },
): DeploySettings {
  const problems: string[] = [];
  if (env.CI && !dryRun) {
    for (const name of ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID'])
      if (!env[name]) problems.push(`${name} is not set (CI cannot log in interactively)`);
  }
  const url = (name: 'DATABASE_URL' | 'DIRECT_DATABASE_URL', pooled: boolean): string => {
    const value = env[name] || (dryRun ? PLACEHOLDERS[name] : '');
    if (!value) {
      problems.push(`${name} is not set`);
      return '';
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${name} is not a URL`);
      return value;
    }
    registerSecret(parsed.password);
    if (!/^postgres(ql)?:$/.test(parsed.protocol))
      problems.push(`${name} must be a postgres:// URL, not ${parsed.protocol}//...`);
    if (parsed.hostname.endsWith('.neon.tech') && parsed.hostname.includes('-pooler.') !== pooled) {
      problems.push(
        pooled
          ? `DATABASE_URL must be Neon's POOLED URL (host ep-...-pooler.<region>...), not ${parsed.hostname}`
          : `DIRECT_DATABASE_URL must be Neon's DIRECT URL (host without -pooler), not ${parsed.hostname}`,
      );
    }
    return value;
  };
  const databaseUrl = url('DATABASE_URL', true);
  const directUrl = migrate ? url('DIRECT_DATABASE_URL', false) : undefined;
  // The migrations run as the tables' owner; the Worker must not (README: "Ownership and roles").
  const userOf = (value: string | undefined) => {
    try {
      return value ? decodeURIComponent(new URL(value).username) : '';
    } catch {
      return '';
    }
  };
  if (directUrl && userOf(databaseUrl) && userOf(databaseUrl) === userOf(directUrl)) {
    problems.push(
      `DATABASE_URL logs in as ${userOf(databaseUrl)}, the role of DIRECT_DATABASE_URL (the tables' owner): give the Worker its own login role, a member of todo_app, and put that role's pooled URL in DATABASE_URL`,
    );
  }
  if (problems.length) throw new Error(`cannot deploy: ${problems.join('; ')}`);
  // An unset GitHub secret expands to '': uploading that would turn a protected API into an open one.
  return { databaseUrl, ...(directUrl ? { directUrl } : {}), ...(env.API_TOKENS ? { apiTokens: env.API_TOKENS } : {}) };
}

/**
 * What the Worker would say of the identity settings it is about to get (the
 * config's vars, and API_TOKENS when this deploy uploads it), checked by the
 * Worker's own parser: an issuer without AUTH_AUDIENCE, or a static token
 * shorter than 32 characters, would make every request a 500 once live. Each
 * problem names the setting; none holds a value.
 */
export function identityProblems(vars: Record<string, unknown>, apiTokens: string | undefined): string[] {
  const names = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_ANONYMOUS'] as const;
  const problems: string[] = [];
  const env: IdentityEnv = { API_TOKENS: apiTokens };
  for (const name of names) {
    const value = vars[name];
    if (value === undefined) continue;
    if (typeof value === 'string') env[name] = value;
    else problems.push(`${name} must be a string in the config's vars`);
  }
  const parsed = parseIdentitySettings(env);
  if (!parsed.ok) problems.push(...parsed.problems.map(({ setting, message }) => `${setting} ${message}`));
  return problems;
}

/** The vars the Worker would be deployed with: the top level's, or the named environment's (which inherits none). */
function configVars(config: string | undefined, environment?: string): Record<string, unknown> {
  const raw = readRawWranglerConfig(config);
  return (environment ? raw.env?.[environment]?.vars : raw.vars) ?? {};
}

/**
 * Runs wrangler, echoing its output; resolves with the output, rejects on failure. With
 * `secrets`, wrangler reads them from its stdin (`--secrets-file /dev/stdin`) through a
 * real pipe made by sh (Node's own stdio pipe is a socket, which /dev/stdin cannot open):
 * the JSON reaches sh in its environment and printf, a builtin, writes it to the pipe,
 * so it is on no disk and in no command line.
 */
function wrangler(
  args: string[],
  { secrets, extraEnv = {} }: { secrets?: string; extraEnv?: Record<string, string> } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      ...extraEnv,
    };
    const child =
      secrets === undefined
        ? spawn(WRANGLER, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(
            '/bin/sh',
            ['-c', 'printf "%s" "$DEPLOY_SECRETS_JSON" | env -u DEPLOY_SECRETS_JSON "$0" "$@"', WRANGLER, ...args],
            {
              env: { ...env, DEPLOY_SECRETS_JSON: secrets },
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.slice(0, 2).join(' ')} exited with ${code}`)),
    );
  });
}

const secretsJson = (s: DeploySettings) =>
  JSON.stringify({ DATABASE_URL: s.databaseUrl, ...(s.apiTokens ? { API_TOKENS: s.apiTokens } : {}) });

/**
 * Checks what `wrangler deploy --dry-run` built and said: no warning (an unknown key in the
 * configuration is only a warning to wrangler), every binding the Worker needs and no
 * local-only one, the bundle, its source map and the docs assets present, nothing of
 * dev/ or test/ bundled, and a size the free plan accepts. Returns one line per fact.
 */
export function checkBuild(rawOutput: string, outdir: string, secretNames: string[]): string[] {
  // eslint-disable-next-line no-control-regex -- ESC starts the colour codes this removes
  const output = rawOutput.replace(/\x1b\[[0-9;]*m/g, ''); // wrangler colours its warnings whatever FORCE_COLOR says
  const failures: string[] = [];
  for (const block of output.split('[WARNING]').slice(1)) {
    const lines = block
      .split(/\n\s*\n\s*\n/)[0]!
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    failures.push(`wrangler warned: ${lines.join(' ')}`);
  }
  for (const binding of [
    'RATE_LIMITER',
    'OWNER_RATE_LIMITER',
    'IMPORT_RATE_LIMITER',
    'CORS_ORIGINS',
    'DB_TIMEOUT_MS',
    'RATE_LIMIT_PERIOD_SECONDS',
    ...secretNames,
  ]) {
    if (!new RegExp(`env\\.${binding}\\b`).test(output)) failures.push(`binding ${binding} is missing from the upload`);
  }
  for (const secret of secretNames) {
    if (!new RegExp(`env\\.${secret} \\("\\(hidden\\)"\\)`).test(output))
      failures.push(`${secret} is not uploaded as a hidden secret`);
  }
  if (/env\.NEON_LOCAL_GATEWAY\b/.test(output))
    failures.push('NEON_LOCAL_GATEWAY would be deployed: it is for local runs only');
  const bundle = join(outdir, 'index.js');
  if (!existsSync(bundle)) failures.push(`no bundle at ${bundle}`);
  if (!existsSync(`${bundle}.map`)) failures.push('no source map next to the bundle (upload_source_maps needs one)');
  for (const file of SWAGGER_UI_FILES)
    if (!existsSync(join(DOCS_DIR, file))) failures.push(`public/docs/${file} is missing: /docs would be broken`);
  const inputs = Object.keys(
    (JSON.parse(readFileSync(join(outdir, 'bundle-meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
  );
  const devOnly = inputs.filter((input) => DEV_ONLY_INPUT.test(input));
  if (devOnly.length) failures.push(`local tooling would be bundled: ${devOnly.slice(0, 3).join(', ')}`);
  if (failures.length) throw new Error(`the build is not fit to deploy:\n- ${failures.join('\n- ')}`);
  const gzip = existsSync(bundle) ? gzipSync(readFileSync(bundle)).length : 0;
  if (gzip > FREE_PLAN_GZIP_BYTES)
    throw new Error(`the Worker is ${(gzip / 1024).toFixed(0)} KiB gzipped, over Workers Free's 3 MiB`);
  return [
    `bundle ${(statSync(bundle).size / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzipped (Workers Free allows 3 MiB), source map present`,
    `${inputs.length} modules bundled, none from dev/ or test/`,
    `secrets in the upload: ${secretNames.join(', ')} (hidden); no NEON_LOCAL_GATEWAY; no wrangler warning`,
  ];
}

/** The single version serving all traffic now: gradual rollouts start from there. */
async function currentVersion(config: string[]): Promise<string> {
  const output = await wrangler(['deployments', 'status', '--json', ...config]);
  // The JSON, whatever wrangler printed around it (a one-time telemetry notice, for one).
  const status = JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1)) as {
    versions: { version_id: string; percentage: number }[];
  };
  if (status.versions.length !== 1) {
    throw new Error(
      `traffic is split between ${status.versions.length} versions: finish or roll back that rollout first (npx wrangler versions deploy <id>@100 -y)`,
    );
  }
  return status.versions[0]!.version_id;
}

/** GET `<base>/health` until it answers 200 (60 s): the new version reaches the database with the secret it was given. */
async function checkHealth(base: string): Promise<void> {
  const url = new URL('/health', base).href;
  const until = Date.now() + 60_000;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) {
        log(`${url} answered 200`);
        return;
      }
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 3_000));
  }
  throw new Error(`${url} did not answer 200 within 60 s; last: ${last}`);
}

async function main(): Promise<void> {
  const { values } = parseFlags(
    {
      'dry-run': { type: 'boolean', default: false },
      'skip-migrations': { type: 'boolean', default: false },
      gradual: { type: 'string' },
      'health-url': { type: 'string' },
      message: { type: 'string' },
      config: { type: 'string' },
      env: { type: 'string', default: '' },
    },
    USAGE,
  );
  const dryRun = values['dry-run'];
  const gradual =
    values.gradual === undefined || values.gradual === '' || values.gradual === '100'
      ? undefined
      : Number(values.gradual);
  if (gradual !== undefined && !(Number.isInteger(gradual) && gradual >= 1 && gradual <= 99))
    throw new Error(
      `--gradual must be a whole percentage from 1 to 99 (or 100 for a plain deploy), not ${values.gradual}`,
    );
  // Always named, the top level as `--env=`: with environments in the configuration, wrangler warns when none is.
  const config = [...(values.config ? ['--config', values.config] : []), `--env=${values.env}`];
  const message = values.message ? ['--message', values.message] : [];

  log(
    `${dryRun ? 'DRY RUN: nothing is uploaded or migrated' : 'deploying'}${values.env ? ` to the ${values.env} environment` : ''}${gradual ? `, gradually (${gradual}% first)` : ''}`,
  );
  const migrate = !values['skip-migrations'];
  const settings = readSettings(process.env, { dryRun, migrate });
  const identity = identityProblems(configVars(values.config, values.env), settings.apiTokens);
  if (identity.length)
    throw new Error(`cannot deploy, the Worker would refuse its identity settings: ${identity.join('; ')}`);
  const given = (name: string) => (process.env[name] ? '' : ' [placeholder]');
  log(
    `settings: DATABASE_URL (pooled) ${redactUrl(settings.databaseUrl)}${given('DATABASE_URL')}; ` +
      `DIRECT_DATABASE_URL ${settings.directUrl ? `${redactUrl(settings.directUrl)}${given('DIRECT_DATABASE_URL')}` : 'not needed (--skip-migrations)'}; ` +
      `API_TOKENS ${settings.apiTokens ? 'given' : 'not given (the deployed value, if any, stays)'}`,
  );

  const written = copySwaggerUi();
  log(`docs assets: public/docs ${written.length ? `written (${written.join(', ')})` : 'up to date'}`);

  const secrets = secretsJson(settings);
  const secretNames = Object.keys(JSON.parse(secrets) as object);
  const outdir = mkdtempSync(join(tmpdir(), 'deploy-dry-run-'));
  try {
    // A real deploy builds and checks the same way first, before it migrates: wrangler would upload despite a warning.
    const output = await wrangler(
      [
        'deploy',
        '--dry-run',
        '--minify',
        '--outdir',
        outdir,
        '--metafile',
        join(outdir, 'bundle-meta.json'),
        '--secrets-file',
        '/dev/stdin',
        ...config,
      ],
      { secrets },
    );
    for (const line of checkBuild(output, outdir, secretNames)) log(`checked: ${line}`);

    const migrations = readMigrations();
    const plan = migrations.map((m) => `${m.tag}${m.transactional ? '' : ' (alone, no transaction)'}`).join(', ');
    if (!settings.directUrl) log('migrations: skipped (--skip-migrations)');
    else if (dryRun) log(`migrations: would apply the pending ones of ${plan} through DIRECT_DATABASE_URL`);
    else {
      log(`migrations: ${plan} (pending ones only) through DIRECT_DATABASE_URL`);
      await applyMigrations(settings.directUrl, { log });
    }
    // After the migrations (the check is theirs), before anything is uploaded.
    if (dryRun) log("would check: DATABASE_URL's role is bound by row-level security");
    else log(`checked: ${await checkWorkerRole(settings.databaseUrl)}`);
    if (dryRun) {
      if (gradual) {
        await wrangler(
          [
            'versions',
            'upload',
            '--dry-run',
            '--minify',
            '--outdir',
            join(outdir, 'version'),
            '--secrets-file',
            '/dev/stdin',
            ...config,
          ],
          { secrets },
        );
        log(
          `would run: wrangler versions upload --minify --secrets-file /dev/stdin; wrangler versions deploy <new>@${gradual} <current>@${100 - gradual} -y; wrangler triggers deploy`,
        );
      } else {
        log('would run: wrangler deploy --minify --secrets-file /dev/stdin');
      }
      log('dry run passed');
      return;
    }
    if (gradual) {
      const previous = await currentVersion(config);
      const outputFile = join(outdir, 'wrangler-output.ndjson');
      await wrangler(['versions', 'upload', '--minify', '--secrets-file', '/dev/stdin', ...message, ...config], {
        secrets,
        extraEnv: { WRANGLER_OUTPUT_FILE_PATH: outputFile },
      });
      const upload = readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; version_id?: string })
        .find((entry) => entry.type === 'version-upload');
      if (!upload?.version_id) throw new Error('wrangler versions upload did not report the new version id');
      await wrangler([
        'versions',
        'deploy',
        `${upload.version_id}@${gradual}`,
        `${previous}@${100 - gradual}`,
        '--yes',
        ...message,
        ...config,
      ]);
      await wrangler(['triggers', 'deploy', ...config]); // crons and routes are not part of a version
      log(`version ${upload.version_id} serves ${gradual}% (the previous ${previous}: ${100 - gradual}%)`);
      log(
        `promote: npx wrangler versions deploy ${upload.version_id}@100 -y    roll back: npx wrangler versions deploy ${previous}@100 -y`,
      );
    } else {
      await wrangler(['deploy', '--minify', '--secrets-file', '/dev/stdin', ...message, ...config], { secrets });
    }
    if (values['health-url']) await checkHealth(values['health-url']);
    log('done');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main().catch(die);
