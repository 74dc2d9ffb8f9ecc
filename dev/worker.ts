import { spawn } from 'node:child_process';
import './offline-env.ts';

export interface WorkerOptions {
  port: number;
  /** Worker vars/secrets for this run (NEON_LOCAL_GATEWAY, DATABASE_URL, ...). */
  vars: Record<string, string>;
  /** Where wrangler keeps local state; tests give a temporary folder. */
  persistTo?: string;
  /** Echo wrangler's own output (npm run dev) or keep it for error messages only. */
  inherit?: boolean;
}

/**
 * Runs the Worker under `wrangler dev` (workerd, as in production) and resolves
 * once it is ready to serve. `npm run dev`, the browser test and the benchmark
 * share it.
 */
export function startWorker({ port, vars, persistTo, inherit = false }: WorkerOptions): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  // --log-level log: 'info' would hide the Worker's console.log request lines.
  // --test-scheduled: GET /__scheduled?cron=... runs the cron handler, as a trigger would.
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false', '--log-level', inherit ? 'log' : 'warn', '--test-scheduled'];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  if (persistTo) args.push('--persist-to', persistTo);
  const child = spawn('node_modules/.bin/wrangler', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM'); // wrangler and its workerd
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const keep = (chunk: Buffer, echo: NodeJS.WriteStream) => { if (inherit) echo.write(chunk); log = (log + chunk.toString()).slice(-4000); };
  child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
  child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
  // Ready means answering: wrangler's "Ready on" line comes before its proxy accepts, and not at all at --log-level warn.
  const died = exited.then(() => { throw new Error(`wrangler dev exited before serving:\n${log}`); });
  return Promise.race([waitForAnswer(url), died]).then(
    () => ({ url, pid: child.pid!, stop }),
    async (err: Error) => { await stop(); throw new Error(`${err.message}\n${log}`); },
  );
}

async function waitForAnswer(url: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) { // 60 s
    const answered = await fetch(`${url}/openapi.json`).then(() => true, () => false);
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Worker at ${url} did not answer`);
}
