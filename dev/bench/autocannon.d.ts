// autocannon ships no types and @types/autocannon is not installed: the slice the benchmark uses.
declare module 'autocannon' {
  interface Histogram {
    p50: number;
    p99: number;
    max: number;
    min: number;
    total: number;
    mean: number;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    timeout?: number;
    requests?: object[];
    /** Requests per second across all connections; unset: as fast as the server answers. */
  }
  interface Result {
    latency: Histogram;
    requests: Histogram & { sent: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  /** Runs a load and resolves with its result (the promise form: no callback). */
  export default function autocannon(options: Options): Promise<Result>;
}
