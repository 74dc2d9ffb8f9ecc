import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from '../upstreams/process.ts';

export interface WorkerdOptions {
  /** Folder and file name of the Worker's ES module (the built bundle). */
  dir: string;
  main: string;
  /** Text bindings (vars and secrets) the Worker sees in `env`. */
  bindings: Record<string, string>;
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Open workerd's inspector (Chrome DevTools protocol) on 127.0.0.1:PORT: for CPU profiles (profile.ts). */
  inspectorPort?: number;
}

export interface Workerd {
  url: string;
  pid: number;
  /** CPU seconds (user + system, all threads, living and exited) the workerd process has used so far; 10 ms resolution. */
  cpuSeconds: () => number;
  /** CPU seconds of its living threads, nanosecond resolution: for short spans (startup) where no thread has exited. */
  threadCpuSeconds: () => number;
  stop(): Promise<void>;
}

export const WORKERD = resolve('node_modules/@cloudflare/workerd-linux-64/bin/workerd');
const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ on every architecture Node ships for

/** Every workerd this process started and has not stopped yet. */
const running = new Set<() => Promise<void>>();

/** Stops every workerd still running (shutdown on a signal may come mid-measurement). */
export async function stopAllWorkerd(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
}

/**
 * Serves the built Worker with workerd alone: no wrangler, no Node proxy, no
 * miniflare router in front. The process's CPU time is then the Worker's (plus
 * workerd's own HTTP handling, which the floor route measures), and requests
 * reach it without a hop through Node.
 */
export async function startWorkerd(options: WorkerdOptions): Promise<Workerd> {
  const port = await freePort();
  // Next to the module: Cap'n Proto's `embed` reads paths relative to the config file.
  const config = join(options.dir, `workerd-${port}.capnp`);
  writeFileSync(config, capnpConfig(options, port));

  const inspector = options.inspectorPort ? [`--inspector-addr=127.0.0.1:${options.inspectorPort}`] : [];
  const child = spawn(WORKERD, ['serve', config, ...inspector], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    running.delete(stop);
    rmSync(config, { force: true });
  };
  running.add(stop);
  try {
    await Promise.race([
      waitForPort(port),
      exited.then(() => {
        throw new Error(`workerd exited before listening: ${log.trim().split('\n').slice(-5).join(' ')}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    threadCpuSeconds: () => threadCpuSeconds(child.pid!),
    stop,
  };
}

/** user + system CPU of a process from /proc/PID/stat (fields 14 and 15, in clock ticks). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Sum of the on-CPU time of a process's living threads, from /proc/PID/task/TID/schedstat (first field, ns). */
export function threadCpuSeconds(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`))
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1e9;
}

/** workerd's text config: one Worker on one socket, outbound fetch/WebSocket allowed to loopback (the gateway). */
function capnpConfig({ main, bindings, compatibilityDate, compatibilityFlags }: WorkerdOptions, port: number): string {
  const str = (value: string) => JSON.stringify(value); // Cap'n Proto text strings take the same escapes for our values
  const list = (items: string[]) => `[${items.join(', ')}]`;
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ${str(`127.0.0.1:${port}`)}, http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = ${str(main)}, esModule = embed ${str(main)})],
  compatibilityDate = ${str(compatibilityDate)},
  compatibilityFlags = ${list(compatibilityFlags.map(str))},
  bindings = ${list(Object.entries(bindings).map(([name, text]) => `(name = ${str(name)}, text = ${str(text)})`))},
  globalOutbound = "internet",
);
`;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (workerd listens after loading its Workers). */
async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`workerd did not listen on port ${port} within ${timeoutMs} ms`);
}
