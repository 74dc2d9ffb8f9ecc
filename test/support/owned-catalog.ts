import type { Ownership, WorkerPrivilege } from '../../src/db/owned-table.ts';

/** Runs one statement and returns its rows (the tables' owner's connection, any driver). */
export type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const SETTING = "current_setting('app.user_id'::text, true)";
const MINE = `(owner = ${SETTING})`;
const NO_OWNER_OR_MINE = `((COALESCE(${SETTING}, ''::text) = ''::text) OR (owner = ${SETTING}))`;
const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/**
 * An owned table as the catalog shows it: its owner column and check, row-level
 * security, its policies (each condition as Postgres prints it back, compared
 * whole), and what the application role may do.
 */
export async function ownedTableState(query: Query, table: string) {
  const [state] = await query(
    `select
       (select json_build_object('type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
                                 'default', pg_get_expr(d.adbin, d.adrelid))
          from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
          where a.attrelid = c.oid and a.attname = 'owner' and not a.attisdropped) as "ownerColumn",
       (select json_agg(pg_get_constraintdef(k.oid)) from pg_constraint k
          where k.conrelid = c.oid and k.conname = c.relname || '_owner_not_empty') as "ownerCheck",
       json_build_object('enabled', c.relrowsecurity, 'forced', c.relforcerowsecurity) as "rowLevelSecurity",
       (select coalesce(json_agg(json_build_object('name', p.policyname, 'permissive', p.permissive,
                                   'roles', p.roles::text[], 'command', p.cmd, 'using', p.qual, 'withCheck', p.with_check)
                        order by p.policyname), '[]')
          from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname) as policies,
       array(select privilege from unnest($2::text[]) with ordinality as x(privilege, i)
             where has_table_privilege('todo_app', c.oid, privilege) order by i) as "workerMay",
       pg_get_userbyid(c.relowner) as "tableOwner"
     from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = $1::regclass`,
    [table, TABLE_PRIVILEGES],
  );
  if (!state) throw new Error(`no table ${table}`);
  return state;
}

/** What `ownedTableState` must be for a table declared owned (migration 0009's app_own_table). */
export const ownedTableExpected = ({ name, workerMay }: Ownership, tableOwner: string) => ({
  ownerColumn: { type: 'text', notNull: true, default: SETTING },
  ownerCheck: ["CHECK ((owner <> ''::text))"],
  rowLevelSecurity: { enabled: true, forced: true },
  policies: [
    {
      name: `${name}_of_owner`,
      permissive: 'PERMISSIVE',
      roles: ['todo_app'],
      command: 'ALL',
      using: MINE,
      withCheck: MINE,
    },
    {
      name: `${name}_table_owner`,
      permissive: 'PERMISSIVE',
      roles: [tableOwner],
      command: 'ALL',
      using: NO_OWNER_OR_MINE,
      withCheck: NO_OWNER_OR_MINE,
    },
  ],
  workerMay: TABLE_PRIVILEGES.filter((p) => workerMay.includes(p as WorkerPrivilege)),
  tableOwner,
});

/** The tables of `public`, and those elsewhere the application role may reach (the system catalogs aside). */
export const reachableTables = async (query: Query): Promise<string[]> =>
  (
    await query(`
      select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
        and (n.nspname = 'public' or has_table_privilege('todo_app', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE'))
      order by 1`)
  ).map((row) => row.name as string);

/** The tables app_set_owner names (to refuse a role that owns one), and every table under row-level security. */
export async function guardedTables(query: Query): Promise<{ named: string[]; underRowLevelSecurity: string[] }> {
  const [fn] = await query(
    `select prosrc as source from pg_proc where oid = 'public.app_set_owner(text)'::regprocedure`,
  );
  const named = /'\{([^}]*)\}'::pg_catalog\.regclass\[\]/.exec(fn!.source as string)?.[1]?.split(',') ?? [];
  const tables = await query(`
    select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relrowsecurity and n.nspname not in ('pg_catalog', 'information_schema') order by 1`);
  return { named: named.sort(), underRowLevelSecurity: tables.map((t) => t.name as string) };
}
