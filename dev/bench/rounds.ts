import type { BenchCase, CaseContext } from './cases.ts';
import { runCase, type CaseResult, type Target } from './load.ts';

/** The concurrencies the CPU and throughput budgets are judged at (those of them the run includes). */
export const ROUND_CONNECTIONS = [16, 64];

/** The interleaved rounds at one concurrency: each case's result in each round, in round order. */
export interface Rounds {
  connections: number;
  runs: Record<string, CaseResult[]>;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Runs `cases` one after the other, `rounds` times over, at one concurrency.
 * A shared machine's speed drifts from minute to minute by more than the
 * differences the budgets judge; a case and its control measured seconds apart,
 * several times, and compared round by round, leave most of that drift out.
 */
export async function runRounds(
  cases: BenchCase[],
  ctx: CaseContext,
  targetOf: (benchCase: BenchCase) => Target,
  connections: number,
  {
    rounds,
    durationS,
    onRun,
    before,
  }: {
    rounds: number;
    durationS: number;
    onRun: (result: CaseResult) => void;
    /** Runs before each run of a case, outside its measurement (ab.ts sets the database's triggers there). */
    before?: (benchCase: BenchCase) => Promise<void>;
  },
): Promise<Rounds> {
  const runs: Record<string, CaseResult[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const benchCase of cases) {
      await before?.(benchCase);
      const result = await runCase(benchCase, ctx, targetOf(benchCase), connections, durationS);
      runs[benchCase.name]!.push(result);
      onRun(result);
    }
  }
  return { connections, runs };
}

/**
 * One row for a case's rounds: the median of each measure; failures summed and
 * the slowest second the slowest of all, so the stress budget misses none.
 */
export function medianResult(runs: CaseResult[]): CaseResult {
  const of = (pick: (r: CaseResult) => number) => median(runs.map(pick));
  const sum = (pick: (r: CaseResult) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const statusCounts: Record<string, number> = {};
  for (const r of runs)
    for (const [code, count] of Object.entries(r.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + count;
  return {
    ...runs[0]!,
    rounds: runs.length,
    requests: of((r) => r.requests),
    rps: of((r) => r.rps),
    latencyMs: {
      p50: of((r) => r.latencyMs.p50),
      p99: of((r) => r.latencyMs.p99),
      max: Math.max(...runs.map((r) => r.latencyMs.max)),
    },
    unexpectedStatus: sum((r) => r.unexpectedStatus),
    statusCounts,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    minRequestsPerSecond: Math.min(...runs.map((r) => r.minRequestsPerSecond)),
    roundTripsPerRequest: of((r) => r.roundTripsPerRequest),
    wsSessionsPerRequest: of((r) => r.wsSessionsPerRequest),
    cpuUsPerRequest: of((r) => r.cpuUsPerRequest),
  };
}

/** Round by round, `measure` of case `a` over the same of case `b`; the median of those ratios (undefined when either is missing). */
export function medianRatio(
  rounds: Rounds,
  a: string,
  b: string,
  measure: (r: CaseResult) => number,
): { median: number; each: number[] } | undefined {
  const as = rounds.runs[a];
  const bs = rounds.runs[b];
  if (!as?.length || !bs?.length) return undefined;
  const each = as.map((r, i) => measure(r) / measure(bs[i]!));
  return { median: median(each), each };
}
