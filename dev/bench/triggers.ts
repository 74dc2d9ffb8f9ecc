import { neon } from '@neondatabase/serverless';
import { readFileSync } from 'node:fs';
import { useLocalGateway } from '../../src/db/local-gateway.ts';
import type { Stack } from '../stack.ts';

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
