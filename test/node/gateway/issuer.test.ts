import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../dev/gateway/server.ts';
import {
  JWKS_PATH,
  loadIssuerKey,
  localIdentity,
  mintToken,
  parseClaim,
  parseLifetime,
  type IssuerKey,
} from '../../../dev/issuer.ts';
import { LOCAL_AUDIENCE } from '../../../dev/local-audience.ts';
import { identify, parseIdentitySettings, type IdentitySettings } from '../../../src/auth/identify.ts';
import { createJwksCache } from '../../../src/auth/jwks.ts';
import { ANY_AUDIENCE, verifyJwt } from '../../../src/auth/jwt.ts';
import { noDatabase } from '../../support/no-database.ts';

const run = promisify(execFile);

let dir: string;
let keyFile: string;
let key: IssuerKey;
let gateway: Gateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'issuer-test-'));
  keyFile = join(dir, 'data', 'local-issuer.json');
  key = loadIssuerKey(keyFile);
  gateway = await startGateway({ upstream: noDatabase, port: 0, issuerKey: key });
});
afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stats = async () =>
  await (
    await fetch(`${gateway.url}/stats`)
  ).json<{ jwksRequests: number; jwksRequestsByScope: Record<string, number> }>();
const post = async (path: string, body?: unknown) => {
  const res = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json<Record<string, unknown>>() };
};
/** Verifies `token` the way the Worker will: through a JWKS cache fetching from the gateway, for `audience`. */
const verify = (token: string, scope = '', audience: readonly string[] | typeof ANY_AUDIENCE = [LOCAL_AUDIENCE]) =>
  verifyJwt(token, createJwksCache({ url: `${gateway.url}${JWKS_PATH}${scope ? `?scope=${scope}` : ''}` }).source(), {
    issuer: gateway.url,
    audience,
  });

describe('the key file', () => {
  it('is made on first use, readable by its owner only, and the same key on every load', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loadIssuerKey(keyFile).kid).toBe(key.kid);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
  });

  it('says what to do when the file is damaged', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    expect(() => loadIssuerKey(bad)).toThrow(/delete it to make a new one/);
  });
});

describe('the gateway as the local issuer', () => {
  it('serves the public key as a JWKS, with no private part, and counts the fetches', async () => {
    const before = await stats();
    const res = await fetch(`${gateway.url}${JWKS_PATH}`);
    expect(res.status).toBe(200);
    const body = await res.json<{ keys: Record<string, unknown>[] }>();
    expect(body.keys).toEqual([
      { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: key.kid, alg: 'ES256', use: 'sig' },
    ]);
    const after = await stats();
    expect(after.jwksRequests - before.jwksRequests).toBe(1);
    expect(after.jwksRequestsByScope['']! - (before.jwksRequestsByScope[''] ?? 0)).toBe(1);
  });

  it('verifies a token minted from the key file against the served JWKS', async () => {
    const token = mintToken(key, { issuer: gateway.url, subject: 'alice' });
    expect(await verify(token)).toMatchObject({ ok: true, subject: 'alice', claims: { aud: LOCAL_AUDIENCE } });
  });

  it('mints for the local audience unless told another, or none (aud null)', async () => {
    const minted = async (aud?: unknown) =>
      (await verify((await post('/issuer/token', { sub: 'erin', aud })).body.token as string, '', ANY_AUDIENCE)) as {
        claims: Record<string, unknown>;
      };
    expect((await minted()).claims.aud).toBe(LOCAL_AUDIENCE);
    expect((await minted('todo-api')).claims.aud).toBe('todo-api');
    expect((await minted(null)).claims).not.toHaveProperty('aud');
  });

  it('mints tokens over HTTP, with aud and extra claims, iss being its own URL', async () => {
    const { status, body } = await post('/issuer/token', { sub: 'bob', aud: 'todo-api', claims: { role: 'admin' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ kid: key.kid, issuer: gateway.url });
    expect(await verify(body.token as string, '', ['todo-api'])).toMatchObject({
      ok: true,
      subject: 'bob',
      claims: { role: 'admin', aud: 'todo-api' },
    });
  });

  it('rotates a scope: the new key signs, the old one stays listed, other scopes are untouched', async () => {
    const first = (await post('/issuer/token?scope=rot', { sub: 'carol' })).body;
    const rotated = (await post('/issuer/rotate?scope=rot')).body;
    const second = (await post('/issuer/token?scope=rot', { sub: 'carol' })).body;
    expect(second.kid).toBe(rotated.kid);
    expect(rotated.kids).toEqual([first.kid, rotated.kid]);
    expect(await verify(first.token as string, 'rot')).toMatchObject({ ok: true });
    expect(await verify(second.token as string, 'rot')).toMatchObject({ ok: true });
    expect(await verify(second.token as string)).toMatchObject({ ok: false, refusal: expect.stringMatching(/kid/) });
  });

  it('takes one scope down (503) and up again, counting its fetches apart', async () => {
    const before = await stats();
    expect((await post('/issuer/outage?scope=out', { down: true })).body).toEqual({ down: true });
    expect((await fetch(`${gateway.url}${JWKS_PATH}?scope=out`)).status).toBe(503);
    expect((await fetch(`${gateway.url}${JWKS_PATH}`)).status).toBe(200);
    await post('/issuer/outage?scope=out', { down: false });
    expect((await fetch(`${gateway.url}${JWKS_PATH}?scope=out`)).status).toBe(200);
    const after = await stats();
    expect(after.jwksRequestsByScope.out).toBe(2);
    expect(after.jwksRequests - before.jwksRequests).toBe(3);
  });

  it.each([
    ['/issuer/token', { sub: '' }, 400],
    ['/issuer/token', { sub: 'x', lifetimeSeconds: -1 }, 400],
    ['/issuer/token', { sub: 'x', claims: [] }, 400],
    ['/issuer/token?scope=bad%20scope', { sub: 'x' }, 400],
    ['/issuer/outage', { down: 'yes' }, 400],
    ['/issuer/token', 'not an object', 400],
  ])('answers POST %s %j with %i', async (path, body, status) => {
    expect((await post(path, body)).status).toBe(status);
  });

  it('answers 405 for a wrong method', async () => {
    expect((await fetch(`${gateway.url}/issuer/token`)).status).toBe(405);
    expect((await fetch(`${gateway.url}${JWKS_PATH}`, { method: 'POST' })).status).toBe(405);
  });

  it('zeroes the JWKS counters on POST /stats/reset', async () => {
    await fetch(`${gateway.url}${JWKS_PATH}`);
    await fetch(`${gateway.url}/stats/reset`, { method: 'POST' });
    const after = await stats();
    expect(after.jwksRequests).toBe(0);
    expect(Object.values(after.jwksRequestsByScope).every((n) => n === 0)).toBe(true);
  });
});

describe('npm run token', () => {
  const token = (...args: string[]) =>
    run('node_modules/.bin/tsx', ['dev/token.ts', ...args, '--key-file', keyFile, '--issuer', gateway.url]);

  it('prints only a token, valid for an hour by default, for the local audience, that the local issuer vouches for', async () => {
    const { stdout, stderr } = await token('alice');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verdict = await verify(stdout.trim());
    expect(verdict).toMatchObject({ ok: true, subject: 'alice', claims: { iss: gateway.url, aud: LOCAL_AUDIENCE } });
    const { iat, exp } = (verdict as unknown as { claims: { iat: number; exp: number } }).claims;
    expect(exp - iat).toBeGreaterThanOrEqual(3600);
  });

  it('takes a lifetime, an audience and extra claims', async () => {
    const { stdout } = await token(
      'bob',
      '--lifetime',
      '2h',
      '--audience',
      'todo-api',
      '--claim',
      'role=admin',
      '--claim',
      'level=3',
      '--claim',
      'tags=["a"]',
    );
    const verdict = await verify(stdout.trim(), '', ['todo-api']);
    expect(verdict).toMatchObject({
      ok: true,
      subject: 'bob',
      claims: { role: 'admin', level: 3, tags: ['a'], aud: 'todo-api' },
    });
    const { iat, exp } = (verdict as unknown as { claims: { iat: number; exp: number } }).claims;
    expect(exp - iat).toBe(7200);
  });

  it.each([[[]], [['a', 'b']], [['a', '--lifetime', 'soon']], [['a', '--claim', 'novalue']], [['a', '--nope']]])(
    'exits 2 with nothing on stdout for %j',
    async (args) => {
      const failed = await token(...args).then(
        () => undefined,
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      expect(failed).toMatchObject({ code: 2, stdout: '' });
      expect(failed!.stderr).toMatch(/usage: npm run -s token/);
    },
  );
});

describe('localIdentity (for npm run dev)', () => {
  it('gives the Worker settings that trust the gateway, anonymous access on, and a token they accept', async () => {
    const { vars, token } = localIdentity(gateway.url, { keyFile });
    expect(vars).toEqual({
      AUTH_JWKS_URL: `${gateway.url}${JWKS_PATH}`,
      AUTH_ISSUER: gateway.url,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
      AUTH_ANONYMOUS: 'on',
    });
    expect(await verify(token)).toMatchObject({ ok: true, subject: 'dev' });
  });

  // The contract of `npm run -s token -- USER [--audience AUD]`: valid against `npm run dev`, unless AUD is another.
  it('agrees with npm run token: its token is accepted by those settings, one for another audience is refused', async () => {
    const parsed = parseIdentitySettings(localIdentity(gateway.url, { keyFile }).vars);
    const settings = (parsed as { settings: IdentitySettings }).settings;
    const who = async (...args: string[]) => {
      const { stdout } = await run('node_modules/.bin/tsx', [
        'dev/token.ts',
        ...args,
        '--key-file',
        keyFile,
        '--issuer',
        gateway.url,
      ]);
      return identify(new Headers({ authorization: `Bearer ${stdout.trim()}` }), settings);
    };
    expect(await who('alice')).toEqual({ owner: 'jwt:alice', via: 'jwt' });
    expect(await who('alice', '--audience', 'https://other-app.example')).toMatchObject({
      refusal: { error: 'invalid_token', description: expect.stringMatching(/aud/) },
    });
  });
});

describe('flag parsing', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['2d', 172_800],
  ])('lifetime %s = %i s', (value, seconds) => {
    expect(parseLifetime(value)).toBe(seconds);
  });
  it.each(['0', '1x', '-1h', '', '400d'])('refuses lifetime %j', (value) => {
    expect(() => parseLifetime(value)).toThrow(/--lifetime/);
  });
  it('reads claims as JSON when they are, else as text', () => {
    expect(parseClaim('n=3')).toEqual(['n', 3]);
    expect(parseClaim('ok=true')).toEqual(['ok', true]);
    expect(parseClaim('email=a@b.c')).toEqual(['email', 'a@b.c']);
    expect(parseClaim('eq=a=b')).toEqual(['eq', 'a=b']);
    expect(() => parseClaim('=x')).toThrow(/name=value/);
  });
});
