import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. It is released before
 * the caller's server binds it, so another process may take it meanwhile:
 * start servers with onFreePort, which tries again when that happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server on a free port, trying another (up to `attempts` in all) when the one picked was taken first. */
export async function onFreePort<T>(
  launch: (port: number) => Promise<T>,
  attempts = 3,
): Promise<{ port: number; server: T }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { port, server: await launch(port) };
    } catch (err) {
      if (attempt >= attempts || !/address already in use/i.test((err as Error).message)) throw err;
    }
  }
}

/**
 * The user to run Postgres and PgBouncer as: they refuse to run as root, so
 * when we are root we switch to the `postgres` system user (or `nobody`).
 */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lines = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((l) => l.split(':'));
  const entry = lines.find((f) => f[0] === 'postgres') ?? lines.find((f) => f[0] === 'nobody');
  if (!entry)
    throw new Error('running as root and found no unprivileged user (postgres or nobody) to run the database as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

export interface Daemon {
  child: ChildProcess;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns a server and resolves once a line of its log matches `ready`; rejects
 * with the tail of its log if it exits or stays silent for `timeoutMs` first.
 */
export function spawnUntilReady(command: string, args: string[], ready: RegExp, timeoutMs = 20_000): Promise<Daemon> {
  const user = unprivilegedUser();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGINT') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  let log = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop('SIGKILL');
      reject(new Error(`${command.split('/').pop()} ${why}:\n${log.split('\n').slice(-8).join('\n')}`));
    };
    const timer = setTimeout(() => fail(`did not become ready within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, exited, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => fail(`could not start (${err.message})`));
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
}
