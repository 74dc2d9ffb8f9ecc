import { neon } from '@neondatabase/serverless';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { useLocalGateway } from '../../src/db/local-gateway.ts';
import { LOCAL_DATABASE, type Stack } from '../stack.ts';

/** A table name as a quoted SQL identifier, schema and all (`todos`, `public.todos`). */
const qualified = (table: string) =>
  table
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

/**
 * Turns the user triggers of `tables` on or off, as the tables' owner (`ALTER TABLE ... ENABLE|DISABLE TRIGGER
 * USER`: the constraint triggers of foreign keys stay on). Refuses a table without any, so a misspelt name is
 * not measured as "no difference".
 */
export async function databaseTriggers(stack: Stack, tables: string[]) {
  useLocalGateway(stack.gatewayAddress);
  const sql = neon(stack.ownerUrl);
  for (const table of tables) {
    const [row] = (await sql.query(
      'select count(*)::int as n from pg_trigger where tgrelid = $1::regclass and not tgisinternal',
      [table],
    )) as { n: number }[];
    if (!row?.n) throw new Error(`--toggle-triggers: ${table} has no triggers of its own to turn off`);
  }
  let current: boolean | undefined;
  return {
    async set(on: boolean): Promise<void> {
      if (current === on) return;
      for (const table of tables)
        await sql.query(`alter table ${qualified(table)} ${on ? 'enable' : 'disable'} trigger user`);
      const [state] = (await sql.query(
        `select bool_and(tgenabled <> 'D') as enabled from pg_trigger where tgrelid = any($1::regclass[]) and not tgisinternal`,
        [tables],
      )) as { enabled: boolean }[];
      if (state?.enabled !== on)
        throw new Error(`--toggle-triggers: the triggers of ${tables.join(', ')} did not turn ${on ? 'on' : 'off'}`);
      current = on;
    },
  };
}

/**
 * The CPU seconds Postgres's processes have used so far (user + system, /proc/PID/stat): the backends that
 * serve the pooler's connections do the triggers' work. `refresh()` reads the list of backends again
 * (pg_stat_activity); call it before a measurement, then `seconds()` around it.
 */
export async function postgresCpu(stack: Stack) {
  useLocalGateway(stack.gatewayAddress);
  const sql = neon(stack.ownerUrl);
  let pids: number[] = [];
  const ticks = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0; // a backend that has exited since the list was read
    }
  };
  return {
    async refresh(): Promise<void> {
      const rows = (await sql.query('select pid from pg_stat_activity')) as { pid: number }[];
      pids = rows.map((row) => row.pid);
    },
    seconds: () => pids.reduce((total, pid) => total + ticks(pid), 0) / 100,
  };
}

interface ExplainedPlan {
  'Execution Time': number;
  Triggers?: { 'Trigger Name': string; Time: number; Calls: number }[];
}

/**
 * Postgres's own account of the triggers' time per row: `EXPLAIN (ANALYZE)` of an UPDATE (as a PATCH writes) and a
 * DELETE of `ids`, each in a transaction that is rolled back, with the tables' triggers on and then off (`ALTER
 * TABLE` inside the same transaction), `rounds` times. Per statement: each trigger's time per call, and the
 * statement's execution time per row with and without them, medians of the rounds. Straight to Postgres as the
 * tables' owner (EXPLAIN cannot be rolled back through the HTTP gateway, whose batches commit).
 */
export async function triggerTimePerRow(stack: Stack, tables: string[], ids: string[], rounds = 5) {
  const port = (stack.upstream as { postgresPort?: number }).postgresPort;
  if (!port) throw new Error('--toggle-triggers needs the Postgres upstream');
  const { owner, database } = LOCAL_DATABASE;
  const client = new pg.Client({
    connectionString: `postgres://${owner.user}:${owner.password}@127.0.0.1:${port}/${database}`,
  });
  await client.connect();
  const statements = {
    update: 'update todos set done = not done where id = any($1::uuid[])',
    delete: 'delete from todos where id = any($1::uuid[])',
  };
  const samples: Record<string, number[]> = {};
  const add = (key: string, value: number) => (samples[key] ??= []).push(value);
  try {
    for (let round = 0; round < rounds; round++)
      for (const [kind, text] of Object.entries(statements))
        for (const on of [true, false]) {
          await client.query('begin');
          try {
            if (!on)
              for (const table of tables) await client.query(`alter table ${qualified(table)} disable trigger user`);
            const { rows } = await client.query<{ 'QUERY PLAN': ExplainedPlan[] }>(
              `explain (analyze, format json) ${text}`,
              [ids],
            );
            const [plan] = rows[0]!['QUERY PLAN'];
            add(`${kind} ${on ? 'on' : 'off'}`, (plan!['Execution Time'] * 1000) / ids.length);
            for (const trigger of plan!.Triggers ?? [])
              if (trigger.Calls > 0) add(`${kind} ${trigger['Trigger Name']}`, (trigger.Time * 1000) / trigger.Calls);
          } finally {
            await client.query('rollback');
          }
        }
  } finally {
    await client.end();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, { median: median(values), values }]));
}
