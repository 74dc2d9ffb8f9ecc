import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkerd, type WorkerdOptions } from './workerd.ts';

export interface Startup {
  /** Median workerd CPU until its first answer with our Worker, minus the same with an empty Worker, ms. */
  cpuMs: number;
  /** The two medians it is the difference of, ms. */
  workerCpuMs: number;
  emptyCpuMs: number;
  runs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The Worker's startup cost, measured in workerd itself: the CPU a fresh
 * process has used once it has answered its first request (boot, compiling and
 * evaluating our module, one request that touches no database: a 404), minus
 * the same for an empty Worker (boot and one trivial answer). Not "until it
 * listens": workerd 2026-11 opens its socket first and evaluates the Worker
 * in the background (measured: ~18 ms of CPU at listening for both Workers,
 * ~65 ms once ours has answered, ~16 ms for the empty one), so that reading
 * missed the module almost entirely. The first answer waits for it, as a cold
 * request does. Fresh processes each time, medians of `runs`.
 */
export async function measureStartup(worker: WorkerdOptions, runs = 5): Promise<Startup> {
  const emptyDir = mkdtempSync(join(tmpdir(), 'bench-empty-worker-'));
  writeFileSync(join(emptyDir, 'index.js'), 'export default { fetch() { return new Response("ok"); } };\n');
  const empty: WorkerdOptions = { ...worker, dir: emptyDir, main: 'index.js', bindings: {} };
  try {
    const workerCpu: number[] = [];
    const emptyCpu: number[] = [];
    for (let run = 0; run < runs; run++) {
      for (const [options, samples] of [
        [worker, workerCpu],
        [empty, emptyCpu],
      ] as const) {
        const workerd = await startWorkerd(options);
        await (await fetch(`${workerd.url}/bench-floor`)).arrayBuffer();
        samples.push(workerd.threadCpuSeconds() * 1000);
        await workerd.stop();
      }
    }
    const workerCpuMs = median(workerCpu);
    const emptyCpuMs = median(emptyCpu);
    return { cpuMs: workerCpuMs - emptyCpuMs, workerCpuMs, emptyCpuMs, runs };
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }
}
