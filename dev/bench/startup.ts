import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkerd, type WorkerdOptions } from './workerd.ts';

export interface Startup {
  /** Median workerd CPU until its first answer with our Worker, minus the same with an empty Worker, ms: the budget's. */
  cpuMs: number;
  /** The two medians it is the difference of, ms. */
  workerCpuMs: number;
  emptyCpuMs: number;
  /** The same difference once workerd has loaded the Worker and gone idle, before any request: evaluation alone, ms. */
  evaluationCpuMs: number;
  runs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** workerd's CPU once it stops using any (no change over 50 ms), ms: it has loaded its Worker. */
async function cpuWhenIdle(cpuMs: () => number): Promise<number> {
  let last = cpuMs();
  for (let quiet = 0; quiet < 2;) {
    await sleep(25);
    const now = cpuMs();
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * The Worker's startup cost, measured in workerd itself: the CPU a fresh
 * process has used once it has answered its first request (boot, compiling and
 * evaluating our module, one request that touches no database: a 404), minus
 * the same for an empty Worker (boot and one trivial answer). The first answer
 * counts because a cold start is the module and the request that woke it: work
 * moved from start-up into the first request still shows. Beside it, the same
 * difference once workerd has gone idle after loading, before any request
 * (`evaluationCpuMs`).
 *
 * `path` is the first request's (the budget's: a 404 that touches no database; ab.ts can ask for a route that
 * does, with the database's bindings in `worker`).
 *
 * Not "until it listens": workerd 2026-11 opens its socket first and evaluates
 * the Worker in the background (measured: ~18 ms of CPU at listening for both
 * Workers, ~58 ms once ours had loaded, ~16 ms for the empty one), so that
 * reading missed the module almost entirely (it printed ~2 ms). Fresh
 * processes each time, medians of `runs`.
 */
export async function measureStartup(worker: WorkerdOptions, runs = 5, path = '/bench-floor'): Promise<Startup> {
  const emptyDir = mkdtempSync(join(tmpdir(), 'bench-empty-worker-'));
  writeFileSync(join(emptyDir, 'index.js'), 'export default { fetch() { return new Response("ok"); } };\n');
  const empty: WorkerdOptions = { ...worker, dir: emptyDir, main: 'index.js', bindings: {} };
  try {
    const samples = {
      worker: { idle: [] as number[], answered: [] as number[] },
      empty: { idle: [] as number[], answered: [] as number[] },
    };
    for (let run = 0; run < runs; run++) {
      for (const [options, into] of [
        [worker, samples.worker],
        [empty, samples.empty],
      ] as const) {
        const workerd = await startWorkerd(options);
        const cpuMs = () => workerd.threadCpuSeconds() * 1000;
        into.idle.push(await cpuWhenIdle(cpuMs));
        const answer = await fetch(`${workerd.url}${path}`);
        await answer.arrayBuffer();
        if (options === worker && path !== '/bench-floor' && !answer.ok)
          throw new Error(`the first request, GET ${path}, was answered ${answer.status}`);
        into.answered.push(cpuMs());
        await workerd.stop();
      }
    }
    const workerCpuMs = median(samples.worker.answered);
    const emptyCpuMs = median(samples.empty.answered);
    return {
      cpuMs: workerCpuMs - emptyCpuMs,
      workerCpuMs,
      emptyCpuMs,
      evaluationCpuMs: median(samples.worker.idle) - median(samples.empty.idle),
      runs,
    };
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }
}
