import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkerd, type WorkerdOptions } from './workerd.ts';

export interface Startup {
  /** Median workerd CPU until listening with our Worker, minus the same with an empty Worker, ms. */
  cpuMs: number;
  /** The two medians it is the difference of, ms. */
  workerCpuMs: number;
  emptyCpuMs: number;
  runs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The Worker's startup cost, measured in workerd itself: workerd parses,
 * compiles and evaluates every module before it opens its socket, so the CPU a
 * fresh process has used when it starts listening is boot + our module's
 * evaluation. An empty Worker measured the same way gives the boot part.
 * Fresh processes each time, medians of `runs`.
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
