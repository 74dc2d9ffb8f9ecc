import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';

const PASSWORD = 'S3cr3t-Pa55/w%rd';
const ENCODED = encodeURIComponent(PASSWORD);

/** `npm run db:migrate`, as a user runs it: its exit code and what it printed. */
function migrate(env: Record<string, string | undefined>) {
  const run = spawnSync('node_modules/.bin/tsx', ['dev/migrate.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}`, stderr: run.stderr };
}

describe('npm run db:migrate when it fails', { timeout: 60_000 }, () => {
  it('names the database, the driver error and its SQLSTATE for a wrong password, and never prints the password', () => {
    const direct = new URL(inject('ownerUrl'));
    direct.password = ENCODED;
    const { status, out, stderr } = migrate({ DATABASE_URL: direct.toString(), NEON_LOCAL_GATEWAY: inject('gatewayAddress') });
    expect(status).toBe(1);
    expect(stderr).toContain(`error: migrating postgres://${direct.username}:***@${direct.host}${direct.pathname} failed`);
    expect(stderr).toMatch(/cause: password authentication failed for user "todo" \(SQLSTATE 28P01/);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(ENCODED);
    expect(out).not.toContain('S3cr3t');
  });

  it('says the connection was refused, and where, for an unreachable database', () => {
    const { status, out, stderr } = migrate({
      DATABASE_URL: `postgres://owner:${ENCODED}@db.example.test:5432/todo`,
      NEON_LOCAL_GATEWAY: '127.0.0.1:1', // nothing listens on port 1
    });
    expect(status).toBe(1);
    expect(stderr).toContain('error: migrating postgres://owner:***@db.example.test:5432/todo failed');
    expect(stderr).toMatch(/cause: .*ECONNREFUSED.*127\.0\.0\.1:1/);
    expect(out).not.toContain('S3cr3t');
  });

  it('asks for DATABASE_URL when it is not set', () => {
    const { status, stderr } = migrate({ DATABASE_URL: undefined });
    expect(status).toBe(1);
    expect(stderr).toContain('error: set DATABASE_URL to the database to migrate');
  });
});
