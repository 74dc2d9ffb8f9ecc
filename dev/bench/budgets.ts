import type { BenchCase } from './cases.ts';
import type { ImportResult } from './import.ts';
import { IMPORT_MEMORY_LIMITS, importMemoryVerdict, type ImportMemoryResult } from './import-memory.ts';
import type { CaseResult } from './load.ts';
import { medianRatio, ROUND_CONNECTIONS, type Rounds } from './rounds.ts';

export interface Budget {
  name: string;
  /** 'n/a' when the run's mode does not test it (no latency, WebSocket transport, no floor). */
  verdict: 'PASS' | 'FAIL' | 'n/a';
  detail: string;
}

export interface BudgetInput {
  cases: BenchCase[];
  results: CaseResult[];
  transport: 'http' | 'ws';
  latencyMs: number;
  gzipBytes: number;
  /** Startup CPU (startup.ts): to the first answer, and loading alone, ms. */
  startupCpuMs: number;
  evaluationCpuMs: number;
  /** The interleaved rounds, one per concurrency in ROUND_CONNECTIONS that the run includes. */
  rounds: Rounds[];
  importResult?: ImportResult;
  importMemory?: ImportMemoryResult;
}

export const LIMITS = {
  /** p50 of a database endpoint <= this many round trips of added latency + the floor's p50. */
  latencyRoundTrips: 1.2,
  /** list and create CPU per request <= this many times the control Worker's for the same statement. */
  cpuTimesControl: 1.5,
  /** list requests/s >= this share of the control Worker's. */
  listShareOfControlRps: 0.85,
  /** Startup CPU (module evaluation and the first answer, over an empty Worker's), ms. */
  startupMs: 40,
  gzipKiB: 150,
  /** The concurrency at which nothing may fail or stall. */
  stressConnections: 64,
  /** Rows/s of an import through the whole edge path >= this share of psql \copy's. */
  importShareOfCopy: 0.25,
} as const;

const verdict = (failures: string[]): Budget['verdict'] => (failures.length ? 'FAIL' : 'PASS');
const floorAt = ({ cases, results }: Pick<BudgetInput, 'cases' | 'results'>, connections: number) =>
  results.find((r) => r.connections === connections && cases.find((c) => c.name === r.case)?.floor);

/** Every budget, evaluated on one run's results. */
export function evaluateBudgets(input: BudgetInput): Budget[] {
  return [
    roundTripBudget(input),
    latencyBudget(input),
    cpuBudget(input),
    throughputBudget(input),
    startupBudget(input),
    bundleBudget(input),
    stressBudget(input),
    importBudget(input),
    importMemoryBudget(input),
  ];
}

/**
 * Exactly the expected round trips per request. Requests cut off when a run
 * ends may have reached the database without being counted as answered, so a
 * run may exceed the exact count by at most (connections / requests).
 */
function roundTripBudget({ cases, results, transport }: BudgetInput): Budget {
  const name = 'db round trips per request: 1 per db endpoint, 0 for the floor';
  if (transport === 'ws') {
    const dbRuns = results.filter((r) => cases.find((c) => c.name === r.case)!.expectedRoundTrips > 0);
    if (dbRuns.length && dbRuns.every((r) => r.wsSessionsPerRequest === 0)) {
      return {
        name,
        verdict: 'FAIL',
        detail:
          'no WebSocket session reached the gateway: the served Worker did not use the WebSocket Pool, so these numbers are HTTP ones',
      };
    }
    return {
      name,
      verdict: 'n/a',
      detail: 'WebSocket transport: connect + auth + query is several round trips by design (comparison mode)',
    };
  }
  const failures = results.filter((r) => {
    const expected = cases.find((c) => c.name === r.case)!.expectedRoundTrips;
    const slack = r.requests > 0 ? r.connections / r.requests + 0.005 : 0;
    return r.requests === 0 || r.roundTripsPerRequest < expected - 0.005 || r.roundTripsPerRequest > expected + slack;
  });
  return {
    name,
    verdict: verdict(failures.map((r) => r.case)),
    detail: failures.length
      ? failures.map((r) => `${r.case}@${r.connections}: ${r.roundTripsPerRequest.toFixed(2)}`).join(', ')
      : `${results.length} runs exact`,
  };
}

/**
 * With added latency L per round trip: p50 <= 1.2 L + the floor's p50 (the
 * floor never touches the database, so L does not reach it: the same run gives
 * the no-latency floor). Checked at the lowest concurrency run (normally 1):
 * the latency one request pays by design; queueing under load is the stress
 * budget's business, and with PgBouncer's pool of 2 it is a capacity question.
 */
function latencyBudget({ cases, results, latencyMs }: BudgetInput): Budget {
  const connections = Math.min(...results.map((r) => r.connections));
  const name = `p50 <= ${LIMITS.latencyRoundTrips} round trips + floor p50 at concurrency ${connections}`;
  if (latencyMs <= 0) return { name, verdict: 'n/a', detail: 'run with --latency-ms N to test it' };
  const failures: string[] = [];
  for (const r of results.filter((r) => r.connections === connections)) {
    const benchCase = cases.find((c) => c.name === r.case)!;
    const floor = floorAt({ cases, results }, r.connections);
    if (benchCase.floor || benchCase.expectedRoundTrips === 0 || !floor) continue;
    const limit = LIMITS.latencyRoundTrips * latencyMs + floor.latencyMs.p50;
    if (r.latencyMs.p50 > limit)
      failures.push(`${r.case}@${r.connections}: ${r.latencyMs.p50} ms > ${limit.toFixed(1)} ms`);
  }
  return {
    name: `${name} (${(LIMITS.latencyRoundTrips * latencyMs).toFixed(0)} ms + floor)`,
    verdict: verdict(failures),
    detail: failures.join(', ') || 'every db endpoint',
  };
}

/** The cases held against a control (`rounds.versus`), with it. */
const pairs = (cases: BenchCase[]) =>
  cases.flatMap((c) => (c.rounds?.versus ? [{ name: c.name, versus: c.rounds.versus }] : []));

/**
 * The cases held against a control (list, create and their variants): CPU per request <= 1.5x the control Worker's
 * for the same kind of statement (the driver alone: what no application code can remove), at 16
 * and 64 connections. Judged on the median over the interleaved rounds of
 * each round's ratio, so that the machine's drift between minutes cancels.
 * Authentication is off in these cases (the control verifies nothing);
 * list-jwt reports identity's cost beside them.
 */
function cpuBudget({ cases, rounds }: BudgetInput): Budget {
  const name = `Worker CPU per request (${pairs(cases)
    .map((p) => p.name)
    .join(
      ', ',
    )}) <= ${LIMITS.cpuTimesControl}x the control Worker's, at ${ROUND_CONNECTIONS.join(' and ')} connections (median of interleaved rounds)`;
  return againstControl(
    name,
    cases,
    rounds,
    (r) => r.cpuUsPerRequest,
    (ratio) => ratio <= LIMITS.cpuTimesControl,
  );
}

/** list: requests/s >= 85% of the control Worker's for the same statement, judged like cpuBudget. */
function throughputBudget({ cases, rounds }: BudgetInput): Budget {
  const name = `list req/s >= ${LIMITS.listShareOfControlRps} x the control Worker's, at ${ROUND_CONNECTIONS.join(' and ')} connections (median of interleaved rounds)`;
  const lists = cases.filter((c) => c.name === 'list');
  return againstControl(
    name,
    lists,
    rounds,
    (r) => r.rps,
    (ratio) => ratio >= LIMITS.listShareOfControlRps,
  );
}

function againstControl(
  name: string,
  cases: BenchCase[],
  rounds: Rounds[],
  measure: (r: CaseResult) => number,
  passes: (ratio: number) => boolean,
): Budget {
  const failures: string[] = [];
  const entries: string[] = [];
  for (const { connections, runs } of rounds) {
    for (const { name: a, versus } of pairs(cases)) {
      const ratio = medianRatio({ connections, runs }, a, versus, measure);
      if (!ratio) continue;
      const entry = `${a}@${connections}: ${ratio.median.toFixed(2)}x (rounds ${ratio.each.map((x) => x.toFixed(2)).join(', ')})`;
      entries.push(entry);
      if (!passes(ratio.median)) failures.push(entry);
    }
  }
  if (!entries.length)
    return {
      name,
      verdict: 'n/a',
      detail: `needs the case and its control at ${ROUND_CONNECTIONS.join(' or ')} connections over HTTP`,
    };
  return {
    name,
    verdict: verdict(failures),
    detail: failures.length ? `failing: ${failures.join('; ')}` : entries.join('; '),
  };
}

/** Judged to the first answer: start-up work moved into the first request still counts (loading alone beside it). */
function startupBudget({ startupCpuMs, evaluationCpuMs }: BudgetInput): Budget {
  return {
    name: `startup CPU <= ${LIMITS.startupMs} ms (loading the module and the first answer, over an empty Worker's)`,
    verdict: startupCpuMs <= LIMITS.startupMs ? 'PASS' : 'FAIL',
    detail: `${startupCpuMs.toFixed(1)} ms (loading alone, before any request: ${evaluationCpuMs.toFixed(1)} ms)`,
  };
}

function bundleBudget({ gzipBytes }: BudgetInput): Budget {
  const kib = gzipBytes / 1024;
  return {
    name: `bundle <= ${LIMITS.gzipKiB} KiB gzipped`,
    verdict: kib <= LIMITS.gzipKiB ? 'PASS' : 'FAIL',
    detail: `${kib.toFixed(1)} KiB`,
  };
}

/** At concurrency 64: no connection error, no timeout, no unexpected status, and no second without an answer. */
function stressBudget({ results }: BudgetInput): Budget {
  const name = `no errors, no stall at concurrency ${LIMITS.stressConnections}`;
  const runs = results.filter((r) => r.connections === LIMITS.stressConnections);
  if (!runs.length) return { name, verdict: 'n/a', detail: `concurrency ${LIMITS.stressConnections} not run` };
  const failures = runs
    .filter((r) => r.errors || r.timeouts || r.unexpectedStatus || r.minRequestsPerSecond === 0)
    .map(
      (r) =>
        `${r.case}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.unexpectedStatus} unexpected statuses, slowest second ${r.minRequestsPerSecond} req`,
    );
  return { name, verdict: verdict(failures), detail: failures.join('; ') || `${runs.length} cases clean` };
}

/** npm run import through Worker, gateway and PgBouncer >= a quarter of psql \copy's rate into the same table. */
function importBudget({ importResult, latencyMs }: BudgetInput): Budget {
  const name = `import rows/s >= ${LIMITS.importShareOfCopy} x psql \\copy`;
  if (!importResult) return { name, verdict: 'n/a', detail: 'import not run (it runs over HTTP, with every case)' };
  if (!importResult.ratioToCopy)
    return { name, verdict: 'n/a', detail: 'no psql or no Postgres upstream to compare with' };
  if (latencyMs > 0)
    return {
      name,
      verdict: 'n/a',
      detail: `${importResult.ratioToCopy.toFixed(2)}x, but \\copy pays no added latency`,
    };
  const detail = `${importResult.cliRowsPerS.toFixed(0)} vs ${importResult.copyRowsPerS!.toFixed(0)} rows/s: ${importResult.ratioToCopy.toFixed(2)}x`;
  return { name, verdict: importResult.ratioToCopy >= LIMITS.importShareOfCopy ? 'PASS' : 'FAIL', detail };
}

/** workerd's resident memory around large imports (import-memory.ts), after a warm-up import and a full collection. */
function importMemoryBudget({ importMemory }: BudgetInput): Budget {
  const name = `import of ${importMemory?.rows ?? 100_000} rows: workerd grows < ${IMPORT_MEMORY_LIMITS.singleMb} MB alone, < ${IMPORT_MEMORY_LIMITS.concurrentMb} MB two at once (or 503 + Retry-After), median of rounds`;
  if (!importMemory) return { name, verdict: 'n/a', detail: 'import-memory not run (it runs with every case)' };
  const { pass, detail } = importMemoryVerdict(importMemory);
  return { name, verdict: pass ? 'PASS' : 'FAIL', detail };
}
