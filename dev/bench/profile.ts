// npx tsx dev/bench/profile.ts -- --case list [--connections 16] [--duration 5] [--out bench/profiles]
// A CPU profile of the Worker under load, taken by workerd's own inspector: the unminified build (names as in the
// source) served by workerd against the local Postgres stack, one case loaded by autocannon while V8's sampling
// profiler runs. Writes a .cpuprofile (open it in Chrome DevTools, Performance panel) and prints where the time goes:
// self time by function and by module of the bundle.
import '../offline-env.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { die, onShutdown, parseFlags } from '../cli.ts';
import { applyMigrations } from '../migrations.ts';
import { startStack } from '../stack.ts';
import { freePort } from '../upstreams/process.ts';
import { selectCases } from './cases.ts';
import { runCase, warmUp } from './load.ts';
import { seedCaseData } from './seed.ts';
import { buildBundle } from './bundle.ts';
import { devtools } from './devtools.ts';
import { startWorkerd, stopAllWorkerd } from './workerd.ts';
import { readWorkerConfig } from '../wrangler-config.ts';

const USAGE = 'npx tsx dev/bench/profile.ts -- --case list [--connections 16] [--duration 5] [--out bench/profiles]';

const cleanups: (() => Promise<void>)[] = [];
async function cleanup(): Promise<void> {
  await stopAllWorkerd().catch(() => undefined);
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per bundle module (esbuild's `// path` comments mark where each module starts). */
function summarise(profile: Profile, bundle: string): string {
  const lines = bundle.split('\n');
  const marks: [number, string][] = [];
  lines.forEach((line, i) => {
    const m = /^\/\/ (node_modules\/(@[^/]+\/[^/]+|[^/]+)|src\/\S+|dev\/\S+)/.exec(line);
    if (m) marks.push([i, m[2] ? `node_modules/${m[2]}` : m[1]!]);
  });
  const moduleAt = (line: number) => marks.findLast(([start]) => start <= line)?.[1] ?? '(bundle prelude)';
  const self = new Map<number, number>();
  profile.samples.forEach((node, i) => self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const inBundle = url.endsWith('.js');
    const where = inBundle ? moduleAt(lineNumber) : functionName || '(native)';
    const name = `${functionName || '(anonymous)'} ${inBundle ? `${where}:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byModule.set(where, (byModule.get(where) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  return `self time by module (${(total / 1000).toFixed(0)} ms sampled):\n${top(byModule, 25)}\n\nself time by function:\n${top(byFunction, 40)}`;
}

async function main(): Promise<void> {
  const { values } = parseFlags(
    {
      case: { type: 'string', default: 'list' },
      connections: { type: 'string', default: '16' },
      duration: { type: 'string', default: '5' },
      out: { type: 'string', default: 'bench/profiles' },
    },
    USAGE,
  );
  const [benchCase] = selectCases([values.case]).filter((c) => !c.floor);
  if (!benchCase || benchCase.control) throw new Error(`--case must name one case of the API; usage: ${USAGE}`);
  onShutdown(cleanup);
  const buildDir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  cleanups.push(async () => rmSync(buildDir, { recursive: true, force: true }));
  const bundle = await buildBundle(buildDir, undefined, { minify: false });
  const config = readWorkerConfig();
  const starting = startStack({ backend: 'postgres', port: 0, latencyMs: 0, dataDir: 'memory' });
  cleanups.push(() => starting.then((stack) => stack.stop()));
  const stack = await starting;
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
  const seeded = await seedCaseData(stack.ownerUrl, stack.gatewayAddress);
  const inspectorPort = await freePort();
  const workerd = await startWorkerd({
    dir: bundle.dir,
    main: bundle.main,
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    bindings: {
      ...config.vars,
      DATABASE_URL: stack.databaseUrl,
      NEON_LOCAL_GATEWAY: stack.gatewayAddress,
      AUTH_ANONYMOUS: 'on',
    },
    inspectorPort,
  });
  const ctx = { ...seeded, bearer: '', takeDeletable: () => undefined };
  await warmUp(benchCase, ctx, workerd.url, 2);
  const inspector = await devtools(inspectorPort);
  await inspector.send('Profiler.enable');
  await inspector.send('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.send('Profiler.start');
  const target = { url: workerd.url, cpuSeconds: workerd.cpuSeconds, gatewayStats: () => stack.gateway.stats() };
  const result = await runCase(benchCase, ctx, target, Number(values.connections), Number(values.duration));
  const { profile } = await inspector.send<{ profile: Profile }>('Profiler.stop');
  inspector.close();
  mkdirSync(resolve(values.out), { recursive: true });
  const file = resolve(
    values.out,
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${benchCase.name}-c${values.connections}.cpuprofile`,
  );
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `${benchCase.label} at ${values.connections} connections: ${result.rps.toFixed(0)} req/s, ${result.cpuUsPerRequest.toFixed(0)} µs CPU/req (with the profiler on)\n`,
  );
  console.log(summarise(profile, readFileSync(join(bundle.dir, bundle.main), 'utf8')));
  console.log(`\nwrote ${file}`);
  await cleanup();
}

main().catch(async (err) => {
  await cleanup();
  die(err);
});
