// npx tsx dev/bench/ab.ts -- --bundles DIR_A,DIR_B [--cases list,create] [--connections 16,64] [--rounds 3]
//                                [--duration 4] [--startup-runs 5]
// A/B of built Workers in one run: each folder holds an index.js built with
// `npx wrangler deploy --dry-run --env= --minify --outdir DIR` (from two commits, or a change and its absence). Both are
// served at once against one stack and loaded in interleaved rounds (A, B, A, B, ...), so that the machine's drift
// between minutes enters both alike; startup is measured alternately too. What docs/performance.md's table of
// changes is made with. `--cases startup` measures start-up alone (no database stack): `--rounds` rounds, each
// one fresh-process measurement of every bundle in turn (`--startup-runs` fresh processes of it and as many of an
// empty Worker), and prints each bundle's difference from the first one, round by round; with `--startup-path
// /todos` the first request is that route, answered from a database stack started for it (the budget's is a 404
// that touches no database), to check that a change helps a cold start that queries the database as much.
import '../offline-env.ts';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { die, onShutdown, parseFlags } from '../cli.ts';
import { applyMigrations } from '../migrations.ts';
import { startStack, type Stack } from '../stack.ts';
import { selectCases, type BenchCase } from './cases.ts';
import { warmUp, type CaseResult } from './load.ts';
import { median, runRounds } from './rounds.ts';
import { seedTodos } from './seed.ts';
import { measureStartup } from './startup.ts';
import { startWorkerd, stopAllWorkerd, type Workerd } from './workerd.ts';
import { readWorkerConfig } from '../wrangler-config.ts';

const USAGE =
  'npx tsx dev/bench/ab.ts -- --bundles DIR_A,DIR_B [--cases list,create|startup] [--connections 16,64] [--rounds 3] [--duration 4] [--startup-runs 5] [--startup-path /todos]';

const cleanups: (() => Promise<void>)[] = [];
async function cleanup(): Promise<void> {
  await stopAllWorkerd().catch(() => undefined);
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}

let database: Promise<Stack> | undefined;
/** The Postgres stack with the migrations applied, started once. */
function startDatabase(): Promise<Stack> {
  if (database) return database;
  const starting = startStack({ backend: 'postgres', port: 0, latencyMs: 0, dataDir: 'memory' });
  cleanups.push(() => starting.then((stack) => stack.stop()));
  database = starting.then(async (stack) => {
    await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
    return stack;
  });
  return database;
}

async function main(): Promise<void> {
  const { values } = parseFlags(
    {
      bundles: { type: 'string', default: '' },
      cases: { type: 'string', default: 'list,create' },
      connections: { type: 'string', default: '16,64' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '4' },
      'startup-runs': { type: 'string', default: '5' },
      'startup-path': { type: 'string', default: '/bench-floor' },
    },
    USAGE,
  );
  const dirs = values.bundles.split(',').filter(Boolean);
  if (dirs.length < 2) throw new Error(`--bundles needs two or more folders, each with an index.js; usage: ${USAGE}`);
  const startupOnly = values.cases === 'startup';
  const cases = startupOnly ? [] : selectCases(values.cases.split(',')).filter((c) => !c.floor && !c.control);
  const rounds = Number(values.rounds);
  const startupRuns = Number(values['startup-runs']);
  const durationS = Number(values.duration);
  onShutdown(cleanup);
  console.log(
    `ab: load average at start ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );

  const config = readWorkerConfig();
  const base = {
    main: 'index.js',
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
  };
  const startupPath = values['startup-path'];
  let startupBindings: Record<string, string> = config.vars;
  if (startupPath !== '/bench-floor') {
    const stack = await startDatabase();
    startupBindings = {
      ...config.vars,
      DATABASE_URL: stack.databaseUrl,
      NEON_LOCAL_GATEWAY: stack.gatewayAddress,
      AUTH_ANONYMOUS: 'on',
    };
  }
  const startup: Record<string, number[]> = {};
  const loading: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++)
    for (const dir of dirs) {
      const measured = await measureStartup({ ...base, dir, bindings: startupBindings }, startupRuns, startupPath);
      (startup[dir] ??= []).push(measured.cpuMs);
      (loading[dir] ??= []).push(measured.evaluationCpuMs);
      if (startupOnly)
        console.log(
          `ab: round ${round + 1} ${basename(dir)} ${measured.cpuMs.toFixed(1)} ms (loading ${measured.evaluationCpuMs.toFixed(1)})`,
        );
    }
  if (startupOnly) {
    printStartup(dirs, startup, loading);
    await cleanup();
    return;
  }

  const stack = await startDatabase();
  const ids = await seedTodos(stack.ownerUrl, stack.gatewayAddress, 10_000);
  const served: Workerd[] = [];
  for (const dir of dirs)
    served.push(
      await startWorkerd({
        ...base,
        dir,
        bindings: {
          ...config.vars,
          DATABASE_URL: stack.databaseUrl,
          NEON_LOCAL_GATEWAY: stack.gatewayAddress,
          AUTH_ANONYMOUS: 'on',
        },
      }),
    );
  const ctx = { ids, bearer: '', takeDeletable: () => undefined };
  // One pseudo-case per bundle and case, so runRounds interleaves them all.
  const variants = cases.flatMap((c) =>
    dirs.map((dir, i) => ({ ...c, name: `${c.name}@${basename(dir)}`, dir, workerd: served[i]! })),
  );
  for (const v of variants) await warmUp(v, ctx, v.workerd.url, 1);
  const target = (v: BenchCase) => {
    const { workerd } = variants.find((x) => x.name === v.name)!;
    return { url: workerd.url, cpuSeconds: workerd.cpuSeconds, gatewayStats: () => stack.gateway.stats() };
  };
  const lines: string[] = [];
  for (const connections of values.connections.split(',').map(Number)) {
    const { runs } = await runRounds(variants, ctx, target, connections, {
      rounds,
      durationS,
      onRun: (r: CaseResult) =>
        console.log(`ab: ${r.case} c=${connections} ${r.rps.toFixed(0)} req/s ${r.cpuUsPerRequest.toFixed(0)} µs`),
    });
    for (const c of cases) {
      const [a, ...others] = dirs.map((dir) => runs[`${c.name}@${basename(dir)}`]!);
      for (const [i, b] of others.entries()) {
        const ratio = b.map((r, round) => r.cpuUsPerRequest / a![round]!.cpuUsPerRequest);
        lines.push(
          `| ${c.name} | ${connections} | ${median(a!.map((r) => r.cpuUsPerRequest)).toFixed(0)} | ${median(b.map((r) => r.cpuUsPerRequest)).toFixed(0)} (${basename(dirs[i + 1]!)}) | ${ratio.map((x) => x.toFixed(2)).join(', ')} (**${median(ratio).toFixed(2)}**) | ${median(a!.map((r) => r.rps)).toFixed(0)} / ${median(b.map((r) => r.rps)).toFixed(0)} |`,
        );
      }
    }
  }
  console.log(
    `\n| case | conns | CPU µs/req ${basename(dirs[0]!)} | CPU µs/req other | other / ${basename(dirs[0]!)} per round (median) | req/s |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(lines.join('\n'));
  printStartup(dirs, startup, loading);
  console.log(
    `ab: load average at end ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  await cleanup();
}

const series = (values: number[]) => `${values.map((x) => x.toFixed(1)).join(', ')} (${median(values).toFixed(1)})`;

/** Start-up per bundle, round by round, and each later bundle's difference from the first, taken round by round. */
function printStartup(dirs: string[], startup: Record<string, number[]>, loading: Record<string, number[]>): void {
  console.log(
    `\nstartup CPU to the first answer, ms (per round; median): ${dirs.map((dir) => `${basename(dir)} ${series(startup[dir]!)}`).join('; ')}`,
  );
  console.log(
    `loading alone, ms (per round; median): ${dirs.map((dir) => `${basename(dir)} ${series(loading[dir]!)}`).join('; ')}`,
  );
  const [first, ...others] = dirs;
  for (const dir of others) {
    const delta = (of: Record<string, number[]>) => of[dir]!.map((x, round) => x - of[first!]![round]!);
    const sorted = [...delta(startup)].sort((a, b) => a - b);
    console.log(
      `${basename(dir)} − ${basename(first!)}, ms (per round; median): to the first answer ${series(delta(startup))}, range ${sorted[0]!.toFixed(1)} to ${sorted.at(-1)!.toFixed(1)}; loading alone ${series(delta(loading))}`,
    );
  }
}

main().catch(async (err) => {
  await cleanup();
  die(err);
});
