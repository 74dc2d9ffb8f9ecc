import { Agent, request } from 'node:http';
import type { RequestSpec } from './cases.ts';

export interface PacedRun {
  requests: number;
  /** Answers whose status was not `expectedStatus`, and requests that failed outright. */
  unexpected: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `rate` requests per second for `durationS` seconds, evenly spaced:
 * each of `connections` keep-alive connections sends one request every
 * `connections / rate` seconds (the connections staggered), skipping ahead
 * when an answer comes late.
 *
 * This is how a case at that rate loads workerd, and what the floor is
 * compared at. autocannon's own rate limit is per second: it sends back to
 * back until the second's quota is used, then nothing until the next second,
 * so the server would see bursts (warm, cheap requests) where the case it is
 * compared with arrives one request every few milliseconds.
 */
export async function pacedLoad(
  url: string,
  template: RequestSpec,
  expectedStatus: number,
  connections: number,
  durationS: number,
  rate: number,
): Promise<PacedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const intervalMs = (1000 * connections) / rate;
  const started = performance.now();
  const endsAt = started + durationS * 1000;
  const run: PacedRun = { requests: 0, unexpected: 0 };
  const connection = async (index: number) => {
    const first = started + (index * intervalMs) / connections;
    for (let next = first; next < endsAt; next += intervalMs) {
      const now = performance.now();
      if (now < next) await sleep(next - now);
      else next += Math.floor((now - next) / intervalMs) * intervalMs; // late: resume the schedule from now
      const spec = template.setupRequest ? template.setupRequest(template) : template;
      const status = await send(url, spec, agent).catch(() => 0);
      run.requests++;
      if (status !== expectedStatus) run.unexpected++;
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => connection(i)));
  agent.destroy();
  return run;
}

/** One request; resolves with its status once the whole body has arrived. */
function send(base: string, spec: RequestSpec, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(spec.path, base), { method: spec.method, headers: spec.headers, agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(spec.body);
  });
}
