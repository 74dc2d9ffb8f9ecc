import autocannon from 'autocannon';
import type { GatewayStats } from '../gateway/types.ts';
import type { BenchCase, CaseContext } from './cases.ts';

/** Where a case runs and what it can observe. */
export interface Target {
  url: string;
  /** workerd's CPU seconds so far. */
  cpuSeconds(): number;
  /** The gateway's counters now. */
  gatewayStats(): GatewayStats;
}

export interface CaseResult {
  case: string;
  label: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Responses whose status was not the case's expected one. */
  unexpectedStatus: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  /** The slowest one-second sample's request count: 0 means the server stalled for a whole second. */
  minRequestsPerSecond: number;
  /** Database round trips per request (see `roundTrips`). */
  roundTripsPerRequest: number;
  /** WebSocket sessions opened per request (0 on HTTP). */
  wsSessionsPerRequest: number;
  /** workerd CPU per request, microseconds. */
  cpuUsPerRequest: number;
  /** When the row stands for interleaved rounds (rounds.ts): how many; each measure is their median. */
  rounds?: number;
}

/**
 * Database round trips in a stats delta. HTTP: one POST /sql, whatever it holds
 * (a single query or a batch), is one round trip. WebSocket: each client message
 * is one round trip (the driver waits for an answer before its next message:
 * startup, each SASL step, the query) except the Terminate that ends each
 * session, which is fire-and-forget: messages minus sessions.
 */
export function roundTrips(delta: GatewayStats): number {
  return delta.httpRequests + Math.max(0, delta.wsMessages - delta.wsSessions);
}

function statsDelta(after: GatewayStats, before: GatewayStats): GatewayStats {
  return Object.fromEntries(
    Object.entries(after).map(([key, value]) => [key, value - before[key as keyof GatewayStats]]),
  ) as unknown as GatewayStats;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

/** Runs `work` and measures around it: the gateway's counters and workerd's CPU, as deltas. */
async function measured<T>(
  target: Target,
  work: () => Promise<T>,
): Promise<{ result: T; delta: GatewayStats; cpuSeconds: number }> {
  await settle();
  const statsBefore = target.gatewayStats();
  const cpuBefore = target.cpuSeconds();
  const result = await work();
  await settle(); // requests cut off at the end of the run finish their database call and CPU
  return { result, delta: statsDelta(target.gatewayStats(), statsBefore), cpuSeconds: target.cpuSeconds() - cpuBefore };
}

/**
 * Loads one case at one concurrency for `durationS` seconds and measures it:
 * latency and throughput from autocannon, round trips from the gateway's
 * counters, CPU from workerd's /proc entry, all as deltas around the run.
 */
export async function runCase(
  benchCase: BenchCase,
  ctx: CaseContext,
  target: Target,
  connections: number,
  durationS: number,
): Promise<CaseResult> {
  const { result, delta, cpuSeconds } = await measured(target, () =>
    autocannon({
      url: target.url,
      connections,
      duration: durationS,
      timeout: 10,
      requests: [benchCase.request(ctx)],
    }),
  );
  const requests = result.requests.total;
  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
  );
  const per = (n: number) => (requests > 0 ? n / requests : 0);
  return {
    case: benchCase.name,
    label: benchCase.label,
    connections,
    durationS,
    requests,
    rps: requests / durationS,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    unexpectedStatus: requests - (statusCounts[String(benchCase.expectedStatus)] ?? 0),
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    minRequestsPerSecond: result.requests.min,
    roundTripsPerRequest: per(roundTrips(delta)),
    wsSessionsPerRequest: per(delta.wsSessions),
    cpuUsPerRequest: per(cpuSeconds) * 1e6,
  };
}

/** A short unmeasured run: JIT-compiles the route's code in workerd and warms the database's caches. */
export async function warmUp(benchCase: BenchCase, ctx: CaseContext, url: string, durationS = 1): Promise<void> {
  await autocannon({ url, connections: 4, duration: durationS, timeout: 10, requests: [benchCase.request(ctx)] });
}
