import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createConnection } from 'node:net';
import type { LocalDatabase, Upstream } from '../gateway/types.ts';
import { findPostgresBinaries, missingBinariesMessage } from './binaries.ts';
import { onFreePort, spawnUntilReady, unprivilegedUser, type Daemon } from './process.ts';

/** The private instance's superuser (initdb's), for what no other role may do: the benchmark's \copy under row-level security. */
export const SUPERUSER = { user: 'postgres', password: 'postgres-local' } as const;

export interface PostgresUpstream extends Upstream {
  postgresPort: number;
  pgbouncerPort: number;
  /** Stops Postgres, keeping its data (fault tests). */
  stopPostgres(): Promise<void>;
  /** Starts Postgres again on the same port and data. */
  startPostgres(): Promise<void>;
}

/** PgBouncer's pool per (database, user): small on purpose, so pooling bugs show up. */
export const DEFAULT_POOL_SIZE = 2;

/** Seconds PgBouncer waits before it tries to log in to Postgres again after a failed login (server_login_retry). */
export const SERVER_LOGIN_RETRY_SECONDS = 1;

/**
 * PgBouncer's own settings for prepared statements. From 1.21 it can track
 * protocol-level named prepared statements, and 1.24 turns that on by default;
 * Debian's 1.18 has neither the setting nor the feature (and refuses an unknown
 * one). Pinned off, so every version behaves as the Worker assumes and as the
 * named-statement test expects.
 */
function preparedStatementSettings(pgbouncer: string): string[] {
  const version = /PgBouncer (\d+)\.(\d+)/.exec(execFileSync(pgbouncer, ['--version'], { encoding: 'utf8' }));
  const [major, minor] = version ? [Number(version[1]), Number(version[2])] : [0, 0];
  return major > 1 || (major === 1 && minor >= 21) ? ['max_prepared_statements = 0'] : [];
}
/** A name as a quoted SQL identifier. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** A string as a SQL literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * A private PostgreSQL (initdb in a temporary folder, loopback only, a free
 * port) with PgBouncer in transaction mode in front, as Neon's pooler is.
 * Everything lives in one temporary folder that stop() removes.
 *
 * The roles of `local`, as the README's deploy steps leave them on Neon: the
 * owner owns the database (it runs the migrations); the application role
 * exists already (the migrations then skip creating it, so the owner needs no
 * CREATEROLE); the Worker's login role is a member of it and owns nothing.
 * PgBouncer knows both logins and the superuser, and looks up any other role
 * in Postgres (auth_query, as the superuser), as Neon's pooler lets every role
 * of a project log in: tests log in through it with roles they make.
 */
export async function startPostgres(local: LocalDatabase, poolSize = DEFAULT_POOL_SIZE): Promise<PostgresUpstream> {
  const { binaries, missing } = findPostgresBinaries();
  if (!binaries) throw new Error(missingBinariesMessage(missing));
  const user = unprivilegedUser();
  const dir = mkdtempSync(join(tmpdir(), 'todo-postgres-'));
  const own = (path: string) => {
    if (user) chownSync(path, user.uid, user.gid);
  };
  const data = join(dir, 'data');
  const superPassword = SUPERUSER.password;
  writeFileSync(join(dir, 'pwfile'), `${superPassword}\n`);
  own(dir);
  own(join(dir, 'pwfile'));

  let postgres: Daemon | undefined;
  let pgbouncer: Daemon | undefined;
  const cleanup = async () => {
    await pgbouncer?.stop('SIGTERM');
    await postgres?.stop('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    execFileSync(
      binaries.initdb,
      [
        '-D',
        data,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${join(dir, 'pwfile')}`,
        '-E',
        'UTF8',
        '--no-sync',
      ],
      { stdio: 'pipe', ...user },
    );
    const postgresArgs = (port: number) => [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=100',
    ];
    const launchPostgres = (port: number) =>
      spawnUntilReady(binaries.postgres, postgresArgs(port), /ready to accept connections/);
    const started = await onFreePort(launchPostgres);
    const postgresPort = started.port;
    postgres = started.server;

    const admin = new pg.Client({
      host: '127.0.0.1',
      port: postgresPort,
      user: SUPERUSER.user,
      password: superPassword,
      database: 'postgres',
    });
    await admin.connect();
    const { owner, worker, appRole, database } = local;
    await admin.query(`CREATE ROLE ${ident(owner.user)} LOGIN PASSWORD ${literal(owner.password)}`);
    await admin.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(owner.user)}`);
    await admin.query(`CREATE ROLE ${ident(appRole)} NOLOGIN`);
    await admin.query(
      `CREATE ROLE ${ident(worker.user)} LOGIN PASSWORD ${literal(worker.password)} IN ROLE ${ident(appRole)}`,
    );
    await admin.end();

    const ini = join(dir, 'pgbouncer.ini');
    const users = join(dir, 'userlist.txt');
    writeFileSync(users, [owner, worker, SUPERUSER].map(({ user, password }) => `"${user}" "${password}"\n`).join(''));
    own(users);
    const writeIni = (pgbouncerPort: number) =>
      writeFileSync(
        ini,
        [
          '[databases]',
          // autodb: any database name is passed through, so an unknown one fails in Postgres (3D000).
          `* = host=127.0.0.1 port=${postgresPort}`,
          '[pgbouncer]',
          'listen_addr = 127.0.0.1',
          `listen_port = ${pgbouncerPort}`,
          'unix_socket_dir =',
          'auth_type = scram-sha-256',
          `auth_file = ${users}`,
          `auth_user = ${SUPERUSER.user}`,
          'auth_query = SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = $1',
          'pool_mode = transaction',
          `default_pool_size = ${poolSize}`,
          'max_client_conn = 1000',
          'ignore_startup_parameters = extra_float_digits,options',
          `server_login_retry = ${SERVER_LOGIN_RETRY_SECONDS}`,
          'query_wait_timeout = 120',
          ...preparedStatementSettings(binaries.pgbouncer),
          'logfile =',
          '',
        ].join('\n'),
      );
    const launchPgbouncer = (port: number) => {
      writeIni(port);
      own(ini);
      return spawnUntilReady(binaries.pgbouncer, [ini], /process up/);
    };
    const bouncer = await onFreePort(launchPgbouncer);
    const pgbouncerPort = bouncer.port;
    pgbouncer = bouncer.server;

    const portOf = (route: 'pooler' | 'direct') => (route === 'pooler' ? pgbouncerPort : postgresPort);
    return {
      backend: 'postgres',
      postgresPort,
      pgbouncerPort,
      openStream: (route) => createConnection(portOf(route), '127.0.0.1'),
      pgTarget: (route) => ({ host: '127.0.0.1', port: portOf(route) }),
      stop: cleanup,
      stopPostgres: async () => {
        await postgres?.stop('SIGINT');
      },
      startPostgres: async () => {
        postgres = await launchPostgres(postgresPort);
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
