// npm run bench [-- --backend postgres|embedded] [--duration 5] [--connections 1,16,64]
//               [--latency-ms 0] [--transport http|ws] [--cases floor,health,list,...] [--rounds 3]
// The end-to-end benchmark: the deployed bundle under workerd, against the local
// stack, measured per case and concurrency; results under bench/results/.
import '../offline-env.ts';
import { JWKS_PATH } from '../issuer.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { die, onShutdown, parseFlags } from '../cli.ts';
import { neon } from '@neondatabase/serverless';
import { applyMigrations } from '../migrations.ts';
import { LOCAL_DATABASE, startStack, type Backend } from '../stack.ts';
import { SUPERUSER, type PostgresUpstream } from '../upstreams/postgres.ts';
import { evaluateBudgets } from './budgets.ts';
import { buildBundle } from './bundle.ts';
import { CASES, selectCases, type CaseContext } from './cases.ts';
import { coverageProblems, servedDocument } from './coverage.ts';
import { runCase, warmUp, type CaseResult } from './load.ts';
import { benchImport, type ImportResult } from './import.ts';
import { importMemoryVerdict, measureImportMemory, MEMORY_IMPORT, type ImportMemoryResult } from './import-memory.ts';
import { machineInfo, reportTables, writeReport, type Mode, type Report } from './report.ts';
import { medianResult, ROUND_CONNECTIONS, runRounds, type Rounds } from './rounds.ts';
import { BENCH_LIST_QUOTA, BENCH_TODO_QUOTA, seedCaseData, seedPool, seedTodos } from './seed.ts';
import { measureStartup } from './startup.ts';
import { startWorkerd, stopAllWorkerd, WORKERD, type Workerd } from './workerd.ts';
import { readWorkerConfig } from '../wrangler-config.ts';
import { LOCAL_AUDIENCE } from '../local-audience.ts';

const USAGE =
  'npm run bench -- [--backend postgres|embedded] [--duration 5] [--connections 1,16,64] [--latency-ms 0] [--transport http|ws] [--cases floor,health,list,control,control-floor,list-jwt,list-done,get,create,control-create,patch,patch-if-match,delete,list-in-list,create-after,reorder,move,changes-all,lists,list-create,list-get,list-patch,list-delete,import,import-memory] [--import-rows 100000] [--rounds 3]';
/** The `sub` of list-jwt's token: its owner is `jwt:bench`. */
const BENCH_USER = 'bench';
const WARM_UP_S = 1;
const RESULTS_DIR = resolve('bench/results');
const WS_ENTRY = 'dev/bench/ws-worker.ts';
const CONTROL_ENTRY = 'dev/bench/control-worker.ts';

/** Stops what was started: workerd first (whichever measurement started it), then the rest newest first; safe to call twice. */
const cleanups: (() => Promise<void>)[] = [];
async function cleanup(): Promise<void> {
  await stopAllWorkerd().catch(() => undefined);
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}

function parseMode(): { mode: Mode; caseNames: string[]; importRows: number; rounds: number } {
  const { values } = parseFlags(
    {
      backend: { type: 'string', default: 'postgres' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '1,16,64' },
      'latency-ms': { type: 'string', default: '0' },
      transport: { type: 'string', default: 'http' },
      cases: { type: 'string', default: '' },
      'import-rows': { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '3' },
    },
    USAGE,
  );
  const backend = values.backend as Backend;
  const transport = values.transport as Mode['transport'];
  const durationS = Number(values.duration);
  const latencyMs = Number(values['latency-ms']);
  const connections = values.connections.split(',').map(Number);
  if (backend !== 'postgres' && backend !== 'embedded')
    throw new Error(`--backend must be postgres or embedded, not ${values.backend}`);
  if (transport !== 'http' && transport !== 'ws')
    throw new Error(`--transport must be http or ws, not ${values.transport}`);
  if (!(durationS >= 1)) throw new Error(`--duration must be a number of seconds >= 1, not ${values.duration}`);
  if (!(latencyMs >= 0)) throw new Error(`--latency-ms must be a number >= 0, not ${values['latency-ms']}`);
  if (!connections.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`--connections must be positive integers separated by commas, not ${values.connections}`);
  const importRows = Number(values['import-rows']);
  if (!Number.isInteger(importRows) || importRows < 1)
    throw new Error(`--import-rows must be a positive integer, not ${values['import-rows']}`);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
  return {
    mode: { backend, transport, latencyMs, durationS, connections },
    caseNames: values.cases.split(',').filter(Boolean),
    importRows,
    rounds,
  };
}

const log = (message: string) => console.log(`bench: ${message}`);

async function main(): Promise<void> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const { mode, caseNames, importRows, rounds: roundCount } = parseMode();
  // A full run measures every operation of the document: one without a case or an exemption stops it here.
  const uncovered = coverageProblems(servedDocument(), CASES);
  if (caseNames.length === 0 && uncovered.length) die(uncovered.join('; '));
  // The import case drives the CLI rather than autocannon: it runs after the others, over HTTP only.
  const withImport = caseNames.length === 0 || caseNames.includes('import');
  const withImportMemory = caseNames.length === 0 || caseNames.includes('import-memory');
  const notAutocannon = (name: string) => name === 'import' || name === 'import-memory';
  // The control Worker speaks SQL over HTTP: no control in the WebSocket comparison.
  const cases = (
    caseNames.length && caseNames.every(notAutocannon)
      ? []
      : selectCases(caseNames.filter((name) => !notAutocannon(name)))
  ).filter((c) => !c.control || mode.transport === 'http');
  onShutdown(cleanup);
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

  const buildDir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  cleanups.push(async () => rmSync(buildDir, { recursive: true, force: true }));
  log('building the Worker (wrangler deploy --dry-run --minify)');
  const bundle = await buildBundle(buildDir);
  const config = readWorkerConfig();
  const workerBase = {
    dir: bundle.dir,
    main: bundle.main,
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
  };
  // WebSocket comparison: the same app from a bench-only entry whose database is a Pool per request. The deployed
  // bundle above still gives the size and startup figures (and their budget); the served one is this.
  let served = bundle;
  if (mode.transport === 'ws') {
    log(`building the WebSocket variant (${WS_ENTRY})`);
    served = await buildBundle(join(buildDir, 'ws'), WS_ENTRY);
  }

  log('measuring startup (fresh workerd processes)');
  const startup = await measureStartup({ ...workerBase, bindings: config.vars });

  log(`starting the ${mode.backend} stack${mode.latencyMs ? ` (+${mode.latencyMs} ms per round trip)` : ''}`);
  // Registered before it is ready: a Ctrl-C during startup waits for it, then stops it.
  const starting = startStack({ backend: mode.backend, port: 0, latencyMs: mode.latencyMs, dataDir: 'memory' });
  cleanups.push(() => starting.then((stack) => stack.stop()));
  const stack = await starting;
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
  // Anonymous cases act as `anonymous`, list-jwt as `jwt:bench`: each owner's listing reads its own index range.
  const seeded = await seedCaseData(stack.ownerUrl, stack.gatewayAddress);
  const { ids } = seeded;
  await seedTodos(stack.ownerUrl, stack.gatewayAddress, ids.length, `jwt:${BENCH_USER}`);
  // Statistics as autovacuum would make them within a minute: without any, the planner guesses few rows per owner
  // and may read a whole owner's range and sort it (the change feed) instead of walking its index in order.
  await neon(stack.ownerUrl).query('analyze');
  log(`seeded ${ids.length} todos for each of anonymous and jwt:${BENCH_USER}`);

  // Anonymous, except for list-jwt: the budgets compare the route path with the driver alone, which verifies nothing.
  const bindings = {
    ...config.vars,
    DATABASE_URL: stack.databaseUrl,
    NEON_LOCAL_GATEWAY: stack.gatewayAddress,
    AUTH_ANONYMOUS: 'on',
    AUTH_JWKS_URL: `${stack.gatewayUrl}${JWKS_PATH}`,
    AUTH_ISSUER: stack.gatewayUrl,
    AUTH_AUDIENCE: LOCAL_AUDIENCE,
    TODO_QUOTA: BENCH_TODO_QUOTA,
    LIST_QUOTA: BENCH_LIST_QUOTA,
  };
  const workerd = await startWorkerd({ ...workerBase, dir: served.dir, main: served.main, bindings });
  log(`workerd ${workerd.pid} serving ${workerd.url}`);
  let controlWorkerd: Workerd | undefined;
  if (cases.some((c) => c.control)) {
    log(`building and serving the control Worker (${CONTROL_ENTRY})`);
    const control = await buildBundle(join(buildDir, 'control'), CONTROL_ENTRY);
    controlWorkerd = await startWorkerd({
      ...workerBase,
      dir: control.dir,
      main: control.main,
      bindings: { DATABASE_URL: stack.databaseUrl, NEON_LOCAL_GATEWAY: stack.gatewayAddress },
    });
  }

  let deletable: string[] = [];
  const bearer = (
    await (
      await fetch(`${stack.gatewayUrl}/issuer/token`, {
        method: 'POST',
        body: JSON.stringify({ sub: BENCH_USER, lifetimeSeconds: 86400 }),
      })
    ).json<{ token: string }>()
  ).token;
  const ctx: CaseContext = { ...seeded, bearer, takeDeletable: () => deletable.pop() };
  const targetOf = (w: Workerd) => ({
    url: w.url,
    cpuSeconds: w.cpuSeconds,
    gatewayStats: () => stack.gateway.stats(),
  });
  const appTarget = targetOf(workerd);
  const results: CaseResult[] = [];
  const logRun = (result: CaseResult) =>
    log(
      `${result.case.padEnd(14)} c=${String(result.connections).padEnd(3)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.latencyMs.p50} ms  ` +
        `${result.roundTripsPerRequest.toFixed(2)} RT/req  ${result.cpuUsPerRequest.toFixed(0)} µs CPU/req  ${result.unexpectedStatus} unexpected`,
    );
  // The budgets' cases at 16 and 64 connections run in interleaved rounds after the others (rounds.ts).
  const roundConnections = ROUND_CONNECTIONS.filter((n) => mode.connections.includes(n));
  const inRounds = (benchCase: (typeof cases)[number], connections: number) =>
    benchCase.rounds !== undefined && roundConnections.includes(connections);
  for (const benchCase of cases) {
    const refill = async (seconds: number) => {
      if (benchCase.pool === undefined) return;
      // Enough rows for the run, each deleted once: twice the best rate any database case has reached so far
      // (deletes are among the cheapest requests, and a shared machine's speed drifts); the floor's is not a database rate.
      // A list's delete takes its todos with it: twice its own best rate so far (at least 500 a second) is enough.
      const rps =
        benchCase.pool === 'lists'
          ? Math.max(500, ...results.filter((r) => r.case === benchCase.name).map((r) => r.rps))
          : Math.max(2000, ...results.filter((r) => r.roundTripsPerRequest > 0).map((r) => r.rps));
      deletable = await seedPool(
        stack.ownerUrl,
        stack.gatewayAddress,
        benchCase.pool,
        Math.ceil(rps * seconds * 2) + 1000,
      );
    };
    const target = benchCase.control ? targetOf(controlWorkerd!) : appTarget;
    await refill(WARM_UP_S);
    await warmUp(benchCase, ctx, target.url, WARM_UP_S);
    for (const connections of mode.connections) {
      if (inRounds(benchCase, connections)) continue;
      await refill(mode.durationS);
      const result = await runCase(benchCase, ctx, target, connections, mode.durationS);
      results.push(result);
      logRun(result);
    }
  }
  const roundCases = cases.filter((c) => c.rounds);
  const rounds: Rounds[] = [];
  for (const connections of roundCases.length ? roundConnections : []) {
    log(`${roundCount} interleaved rounds at ${connections} connections: ${roundCases.map((c) => c.name).join(', ')}`);
    rounds.push(
      await runRounds(roundCases, ctx, (c) => (c.control ? targetOf(controlWorkerd!) : appTarget), connections, {
        rounds: roundCount,
        durationS: mode.durationS,
        onRun: logRun,
      }),
    );
  }
  // One row per case and concurrency, in the cases' order: the rounds' medians where they ran.
  const rows = cases.flatMap((benchCase) =>
    mode.connections.flatMap((connections) => {
      const runs = rounds.find((r) => r.connections === connections)?.runs[benchCase.name];
      if (runs?.length) return [medianResult(runs)];
      return results.filter((r) => r.case === benchCase.name && r.connections === connections);
    }),
  );

  let importResult: ImportResult | undefined;
  if (withImport && mode.transport === 'http') {
    log(`import: ${importRows} generated rows through npm run import, then psql \\copy of the same file`);
    // \copy as the superuser (COPY FROM refuses tables under row-level security), for the same owner.
    const { database } = LOCAL_DATABASE;
    const upstream = stack.upstream as Partial<PostgresUpstream>;
    importResult = await benchImport({
      folder: buildDir,
      workerUrl: workerd.url,
      rows: importRows,
      chunkRows: 10_000,
      cpuSeconds: workerd.cpuSeconds,
      copyUrl: upstream.postgresPort
        ? `postgres://${SUPERUSER.user}:${SUPERUSER.password}@127.0.0.1:${upstream.postgresPort}/${database}`
        : undefined,
    });
    log(
      `import: ${importResult.cliRowsPerS.toFixed(0)} rows/s through the API, ${importResult.copyRowsPerS?.toFixed(0) ?? 'n/a'} rows/s by \\copy`,
    );
  }

  let importMemory: ImportMemoryResult | undefined;
  if (withImportMemory && mode.transport === 'http') {
    log(`import-memory: workerd's resident memory around imports of ${MEMORY_IMPORT.rows} rows, alone and two at once`);
    importMemory = await measureImportMemory((inspectorPort) =>
      startWorkerd({ ...workerBase, inspectorPort, bindings: { ...bindings, DB_TIMEOUT_MS: '60000' } }),
    );
    log(`import-memory: ${importMemoryVerdict(importMemory).detail}`);
  }

  const budgets = evaluateBudgets({
    cases,
    results: rows,
    rounds,
    startupCpuMs: startup.cpuMs,
    evaluationCpuMs: startup.evaluationCpuMs,
    transport: mode.transport,
    latencyMs: mode.latencyMs,
    gzipBytes: bundle.gzipBytes,
    importResult,
    importMemory,
  });
  const workerdVersion = execFileSync(WORKERD, ['--version'])
    .toString()
    .trim()
    .replace(/^workerd\s*/, '');
  const report: Report = {
    startedAt,
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    mode,
    machine: { ...machineInfo(workerdVersion), load },
    runtime: `workerd alone (no wrangler proxy) serving the minified bundle from \`wrangler deploy --dry-run --minify${served !== bundle ? ` ${WS_ENTRY}` : ''}\`, settings from wrangler.jsonc; autocannon hits its socket directly`,
    cpuMeasure:
      "utime + stime of the workerd process (/proc/PID/stat, all threads, 10 ms ticks), delta around each case / answered requests; includes workerd's HTTP handling, which the floor shows",
    roundTripDefinition:
      'HTTP: one POST /sql to the gateway (a query or a batch); WebSocket: each client message except the Terminate closing each session (gateway /stats deltas)',
    bundle: { minifiedBytes: bundle.minifiedBytes, gzipBytes: bundle.gzipBytes },
    ...(served !== bundle
      ? { servedBundle: { entry: WS_ENTRY, minifiedBytes: served.minifiedBytes, gzipBytes: served.gzipBytes } }
      : {}),
    startup,
    results: rows,
    rounds,
    ...(importResult ? { import: importResult } : {}),
    ...(importMemory ? { importMemory } : {}),
    budgets,
    wallTimeS: (Date.now() - started) / 1000,
  };
  const complete = caseNames.length === 0;
  const file = writeReport(report, RESULTS_DIR, complete);
  console.log(`\n${reportTables(report)}\n`);
  log(
    `bundle ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped, startup ${startup.cpuMs.toFixed(1)} ms CPU; wrote ${file}${complete ? ' and bench/results/latest.md' : ' (some cases only: latest.md left alone)'} in ${report.wallTimeS.toFixed(0)} s`,
  );
  await cleanup();
  const failed = budgets.filter((b) => b.verdict === 'FAIL');
  if (failed.length) throw new Error(`${failed.length} budget(s) failed: ${failed.map((b) => b.name).join('; ')}`);
}

main().catch(async (err) => {
  await cleanup();
  die(err);
});
