import type { BenchCase } from './cases.ts';
import type { ImportResult } from './import.ts';
import type { CaseResult } from './load.ts';

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
  importResult?: ImportResult;
}

export const LIMITS = {
  /** p50 of a database endpoint <= this many round trips of added latency + the floor's p50. */
  latencyRoundTrips: 1.2,
  /** list and create CPU per request <= this many times the floor's. */
  cpuTimesFloor: 3,
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
    bundleBudget(input),
    stressBudget(input),
    importBudget(input),
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

/**
 * CPU per request of the cases marked `cpuBudget` (list, create) <= 3x the
 * floor's, at every concurrency. Per-request CPU depends on how requests
 * arrive (a request reaching an idle workerd pays its wake-up and cold
 * caches; requests overlapping in a busy one share them), so each case is
 * read against two floors at its concurrency, and the larger ratio counts:
 * - the floor paced at the case's rate (runPaced): one request at a time into
 *   a workerd idle in between, as a database route's requests arrive while it
 *   waits for the database;
 * - the free-running floor: workerd kept busy, as 16 or 64 connections of a
 *   database route keep it. Not at concurrency 1, where its requests come back
 *   to back into a warm workerd, which no database route's do.
 * Both run right after the case, so that the machine's drift between the
 * start of a run and the case does not enter the ratio.
 * Beside the verdict: where list would land with no route code at all
 * (controlBounds), which no application change can go below.
 */
function cpuBudget({ cases, results }: BudgetInput): Budget {
  const name = `Worker CPU per request (list, create) <= ${LIMITS.cpuTimesFloor}x the floor, paced at the same rate and (from 2 connections) free-running`;
  const failures: string[] = [];
  const ratios: string[] = [];
  for (const r of results) {
    if (!cases.find((c) => c.name === r.case)!.cpuBudget) continue;
    const floors = [r.floorsAfter?.paced.cpuUsPerRequest, r.floorsAfter?.free?.cpuUsPerRequest].filter(
      (us): us is number => us !== undefined && us > 0,
    );
    if (!floors.length) continue;
    const ratio = r.cpuUsPerRequest / Math.min(...floors);
    const entry = `${r.case}@${r.connections}: ${ratio.toFixed(1)}x`;
    ratios.push(entry);
    if (ratio > LIMITS.cpuTimesFloor) failures.push(entry);
  }
  if (!ratios.length) return { name, verdict: 'n/a', detail: 'list/create not run' };
  const detail = failures.length ? `over: ${failures.join(', ')}` : ratios.join(', ');
  const bounds = controlBounds({ cases, results });
  return {
    name,
    verdict: verdict(failures),
    detail: bounds.length ? `${detail}; with no route code at all: ${bounds.join(', ')}` : detail,
  };
}

/**
 * What list would cost against the floor if its route did nothing but the
 * query: the control Worker's list (driver, subrequest, JSON) plus our
 * middleware chain (the floor minus the control Worker's bare 404), over the
 * floor. From 2 connections, against the free-running floor of the run.
 */
function controlBounds({ cases, results }: Pick<BudgetInput, 'cases' | 'results'>): string[] {
  const run = (name: string, connections: number) =>
    results.find((r) => r.case === name && r.connections === connections)?.cpuUsPerRequest;
  return results
    .filter((r) => r.case === 'control' && r.connections > 1)
    .flatMap((r) => {
      const floor = floorAt({ cases, results }, r.connections)?.cpuUsPerRequest;
      const bare = run('control-floor', r.connections);
      return floor && bare ? [`${((r.cpuUsPerRequest + floor - bare) / floor).toFixed(1)}x at ${r.connections}`] : [];
    });
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
