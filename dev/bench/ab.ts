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
// `--bundles DIR --toggle-triggers todos[,table]` serves one bundle and compares the tables' own triggers off (A)
// and on (B), set between the interleaved runs (ALTER TABLE ... DISABLE|ENABLE TRIGGER USER, as the tables'
// owner; on again at the end, whatever happens): what the triggers cost per write. Every comparison also prints
// Postgres's CPU per request (its backends' /proc entries), where a trigger's work is done.
import '../offline-env.ts';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { die, onShutdown, parseFlags } from '../cli.ts';
import { applyMigrations } from '../migrations.ts';
import { startStack, type Stack } from '../stack.ts';
import { selectCases, type BenchCase } from './cases.ts';
import { warmUp, type CaseResult } from './load.ts';
import { median, runRounds } from './rounds.ts';
import { BENCH_LIST_QUOTA, BENCH_TODO_QUOTA, seedCaseData, seedPool } from './seed.ts';
import { databaseTriggers, postgresCpu, triggerTimePerRow } from './triggers.ts';
import { measureStartup } from './startup.ts';
import { startWorkerd, stopAllWorkerd, type Workerd } from './workerd.ts';
import { readWorkerConfig } from '../wrangler-config.ts';

const USAGE =
  'npx tsx dev/bench/ab.ts -- --bundles DIR_A,DIR_B [--cases list,create|startup] [--connections 16,64] [--rounds 3] [--duration 4] [--startup-runs 5] [--startup-path /todos] [--toggle-triggers todos]';

const cleanups: (() => Promise<void>)[] = [];
async function cleanup(): Promise<void> {
  await stopAllWorkerd().catch(() => undefined);
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}

/** One side of the comparison: a served bundle, and for --toggle-triggers the state of the tables' triggers. */
interface Arm {
  name: string;
  workerd: Workerd;
  triggersOn?: boolean;
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
      'toggle-triggers': { type: 'string', default: '' },
    },
    USAGE,
  );
  const dirs = values.bundles.split(',').filter(Boolean);
  const toggled = values['toggle-triggers'].split(',').filter(Boolean);
  if (toggled.length ? dirs.length !== 1 : dirs.length < 2)
    throw new Error(
      `--bundles needs two or more folders each with an index.js, or one with --toggle-triggers; usage: ${USAGE}`,
    );
  if (toggled.length && values.cases === 'startup')
    throw new Error('--toggle-triggers compares requests, not start-up: name the cases (create,patch,delete)');
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
  for (let round = 0; round < (toggled.length ? 0 : rounds); round++)
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
  const seeded = await seedCaseData(stack.ownerUrl, stack.gatewayAddress);
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
          TODO_QUOTA: BENCH_TODO_QUOTA,
          LIST_QUOTA: BENCH_LIST_QUOTA,
        },
      }),
    );
  // The arms compared: each bundle, or one bundle with the tables' triggers off (A) and on (B).
  const triggers = toggled.length ? await databaseTriggers(stack, toggled) : undefined;
  if (triggers) cleanups.push(() => triggers.set(true)); // whatever happens, the database is left as migrated
  const arms: Arm[] = triggers
    ? [
        { name: 'triggers-off', workerd: served[0]!, triggersOn: false },
        { name: 'triggers-on', workerd: served[0]!, triggersOn: true },
      ]
    : dirs.map((dir, i) => ({ name: basename(dir), workerd: served[i]! }));
  let deletable: string[] = [];
  const ctx = { ...seeded, bearer: '', takeDeletable: () => deletable.pop() };
  // One pseudo-case per arm and case, so runRounds interleaves them all.
  const variants = cases.flatMap((c) => arms.map((arm) => ({ ...c, name: `${c.name}@${arm.name}`, arm })));
  const variantOf = (v: BenchCase) => variants.find((x) => x.name === v.name)!;
  const postgres = await postgresCpu(stack);
  let postgresBefore = 0;
  const postgresUs: Record<string, number[]> = {};
  let bestRps = 2000;
  const before = async (v: BenchCase, durationS: number) => {
    const { arm } = variantOf(v);
    if (arm.triggersOn !== undefined) await triggers!.set(arm.triggersOn);
    // Deletes need rows that exist, each deleted once: twice the best rate seen so far, for the run's length.
    if (v.pool)
      deletable = await seedPool(
        stack.ownerUrl,
        stack.gatewayAddress,
        v.pool,
        Math.ceil(bestRps * durationS * 2) + 1000,
      );
    await postgres.refresh();
    postgresBefore = postgres.seconds();
  };
  for (const v of variants) {
    await before(v, 1);
    await warmUp(v, ctx, v.arm.workerd.url, 1);
  }
  const target = (v: BenchCase) => {
    const { workerd } = variantOf(v).arm;
    return { url: workerd.url, cpuSeconds: workerd.cpuSeconds, gatewayStats: () => stack.gateway.stats() };
  };
  const lines: string[] = [];
  const [a, ...others] = arms;
  for (const connections of values.connections.split(',').map(Number)) {
    const { runs } = await runRounds(variants, ctx, target, connections, {
      rounds,
      durationS,
      before: (v) => before(v, durationS),
      onRun: (r: CaseResult) => {
        const us = r.requests > 0 ? ((postgres.seconds() - postgresBefore) / r.requests) * 1e6 : 0;
        (postgresUs[`${r.case}@${connections}`] ??= []).push(us);
        bestRps = Math.max(bestRps, r.rps);
        console.log(
          `ab: ${r.case} c=${connections} ${r.rps.toFixed(0)} req/s ${r.cpuUsPerRequest.toFixed(0)} µs, Postgres ${us.toFixed(0)} µs, p50 ${r.latencyMs.p50} ms, ${r.unexpectedStatus} unexpected`,
        );
      },
    });
    for (const c of cases) {
      const of = (arm: Arm) => runs[`${c.name}@${arm.name}`]!;
      const pg = (arm: Arm) => median(postgresUs[`${c.name}@${arm.name}@${connections}`]!).toFixed(0);
      const both = (arm: Arm, pick: (r: CaseResult) => number) => median(of(arm).map(pick)).toFixed(0);
      for (const b of others) {
        const ratio = of(b).map((r, round) => r.cpuUsPerRequest / of(a!)[round]!.cpuUsPerRequest);
        lines.push(
          `| ${c.name} | ${connections} | ${both(a!, (r) => r.cpuUsPerRequest)} | ${both(b, (r) => r.cpuUsPerRequest)} (${b.name}) | ${ratio.map((x) => x.toFixed(2)).join(', ')} (**${median(ratio).toFixed(2)}**) | ${pg(a!)} / ${pg(b)} | ${both(a!, (r) => r.latencyMs.p50)} / ${both(b, (r) => r.latencyMs.p50)} | ${both(a!, (r) => r.rps)} / ${both(b, (r) => r.rps)} |`,
        );
      }
    }
  }
  console.log(
    `\n| case | conns | Worker CPU µs/req ${a!.name} | Worker CPU µs/req other | other / ${a!.name} per round (median) | Postgres CPU µs/req ${a!.name} / other | p50 ms | req/s |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(lines.join('\n'));
  if (triggers) {
    await triggers.set(true);
    const rows = 1000;
    const times = await triggerTimePerRow(stack, toggled, seeded.ids.slice(0, rows));
    const us = (key: string) =>
      times[key] ? `${times[key].median.toFixed(1)} (${times[key].values.map((x) => x.toFixed(1)).join(', ')})` : '-';
    console.log(
      `\nPostgres's own time per row, µs (EXPLAIN ANALYZE of ${rows} rows in one statement, rolled back; median of rounds):`,
    );
    console.log('| statement | triggers off | triggers on | each trigger, per call |');
    console.log('| --- | --- | --- | --- |');
    for (const kind of ['update', 'delete']) {
      const each = Object.keys(times)
        .filter((key) => key.startsWith(`${kind} `) && !key.endsWith(' on') && !key.endsWith(' off'))
        .map((key) => `${key.slice(kind.length + 1)} ${us(key)}`);
      console.log(`| ${kind} | ${us(`${kind} off`)} | ${us(`${kind} on`)} | ${each.join('; ') || '-'} |`);
    }
  }
  if (!toggled.length) printStartup(dirs, startup, loading);
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
