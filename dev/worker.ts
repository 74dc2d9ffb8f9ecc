import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import './offline-env.ts';
import { readRawWranglerConfig, WRANGLER_CONFIG, writeWranglerConfig } from './wrangler-config.ts';

export interface WorkerOptions {
  /** Port on 127.0.0.1; 0 (the default) lets wrangler pick a free one, which it names in its "Ready on" line. */
  port?: number;
  /** Worker vars/secrets for this run (NEON_LOCAL_GATEWAY, DATABASE_URL, ...). */
  vars: Record<string, string>;
  /** Where wrangler keeps local state; tests give a temporary folder. */
  persistTo?: string;
  /** Echo wrangler's own output (npm run dev) or keep it for error messages only. */
  inherit?: boolean;
  /** Requests per minute per client for RATE_LIMITER (default: the configuration's); load tests pass one they cannot reach. */
  rateLimit?: number;
  /** Imports per minute per owner for IMPORT_RATE_LIMITER (default: the configuration's); tests that import in many chunks pass one they cannot reach. */
  importRateLimit?: number;
}

export interface RunningWorker {
  url: string;
  pid: number;
  /** What wrangler printed so far (its last few thousand characters). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Wrangler's global settings folder for the runs started here, inside the project (.wrangler/ is
 * git-ignored). Wrangler prints its telemetry notice from the machine's global metrics file whenever
 * another project there agreed to telemetry, even with telemetry off for this one; here it finds no
 * such file, and WRANGLER_SEND_METRICS=false (dev/offline-env.ts) keeps it from writing one. Deploys
 * do not use this: they need the machine's `wrangler login`.
 */
const WRANGLER_SETTINGS_HOME = resolve('.wrangler', 'settings');

/** Attempts when wrangler's own choice of port was taken before it could bind it. */
const BIND_ATTEMPTS = 3;

/**
 * Runs the Worker under `wrangler dev` (workerd, as in production) and resolves
 * once it is ready to serve. `npm run dev`, the browser test and the benchmark
 * share it. Ready means: wrangler named the address it bound, and what answers
 * there is this app.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      const retry = !options.port && attempt < BIND_ATTEMPTS && /Address already in use/i.test((err as Error).message);
      if (!retry) throw err;
    }
  }
}

async function startOnce({
  port = 0,
  vars,
  persistTo,
  inherit = false,
  rateLimit,
  importRateLimit,
}: WorkerOptions): Promise<RunningWorker> {
  // --log-level: 'log' shows the Worker's console.log request lines (npm run dev); 'info' still has "Ready on".
  // --test-scheduled: GET /__scheduled?cron=... runs the cron handler, as a trigger would.
  const args = [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--show-interactive-dev-session=false',
    '--log-level',
    inherit ? 'log' : 'info',
    '--test-scheduled',
  ];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  if (persistTo) args.push('--persist-to', persistTo);
  const limits = Object.entries({ RATE_LIMITER: rateLimit, IMPORT_RATE_LIMITER: importRateLimit }).filter(
    (entry): entry is [string, number] => entry[1] !== undefined,
  );
  const config = limits.length === 0 ? undefined : configWithRateLimits(limits);
  if (config) args.push('--config', config.path);
  const child = spawn('node_modules/.bin/wrangler', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, XDG_CONFIG_HOME: WRANGLER_SETTINGS_HOME },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM'); // wrangler and its workerd
    await exited;
    config?.remove();
  };
  let log = '';
  let announced!: (url: string) => void;
  const readyLine = new Promise<string>((resolve) => {
    announced = resolve;
  });
  const keep = (chunk: Buffer, echo: NodeJS.WriteStream) => {
    if (inherit) echo.write(chunk);
    log = (log + chunk.toString()).slice(-4000);
    const ready = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
    if (ready) announced(ready[1]!);
  };
  child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
  child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
  const died = exited.then(() => {
    throw new Error(`wrangler dev exited before serving:\n${log}`);
  });
  try {
    // Wrangler prints the line before its proxy accepts: then wait until the app itself answers there.
    const url = await Promise.race([readyLine, died]);
    await Promise.race([waitForApp(url), died]);
    return { url, pid: child.pid!, output: () => log, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
}

/** Resolves once `url` serves this app's docs page from the Worker itself (not only its static assets, nor another server). */
async function waitForApp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    // 60 s
    const page = await fetch(`${url}/docs`).then(
      (r) => (r.ok ? r.text() : undefined),
      () => undefined,
    );
    if (page?.includes('<title>Todo API docs</title>')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Worker at ${url} did not answer as this app`);
}

let configs = 0;

/**
 * The Worker's configuration with the named rate limits replaced, written beside it (paths in
 * it are relative to its folder) under a git-ignored name; removed on stop.
 */
function configWithRateLimits(limits: [string, number][]): { path: string; remove(): void } {
  const config = readRawWranglerConfig();
  for (const [name, limit] of limits) {
    const limiter = config.ratelimits?.find((r) => r.name === name);
    if (!limiter) throw new Error(`${WRANGLER_CONFIG}: found no ${name} rate limit to change`);
    limiter.simple.limit = limit;
  }
  const path = `.wrangler.test-${process.pid}-${configs++}.jsonc`;
  writeWranglerConfig(path, config);
  return { path, remove: () => rmSync(path, { force: true }) };
}
