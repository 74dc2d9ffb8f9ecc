import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The client as an outside project gets it: `npm pack`, installed from the tarball in a folder outside the
// repository, type-checked by a strict consumer and run. Offline: openapi-fetch comes from npm's cache, where
// `npm ci` of this repository put its tarball; the consumer's lockfile names the versions this repository
// locked (lockedDependencies), as a consumer's own lockfile would.
const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'todo-client-pack-'));
const npmEnv = {
  ...process.env,
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type LockEntry = { version: string; resolved?: string; dependencies?: Record<string, string> };

/** The repository's lockfile entries of `names` and of everything they depend on (hoisted, as npm installs them). */
function lockedDependencies(names: string[]): Record<string, LockEntry> {
  const { packages } = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const entries: Record<string, LockEntry> = {};
  const pending = [...names];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const path = `node_modules/${name}`;
    if (entries[path]) continue;
    const entry = packages[path];
    if (!entry)
      throw new Error(`package-lock.json has no ${path}: the client's dependencies must be installed at the top`);
    // The tarball's address as npm's registry forms it: with it (and the integrity), npm reads the tarball
    // from its cache and needs no registry metadata, which `npm ci` does not cache.
    const resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    entries[path] = { resolved, ...entry };
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  return entries;
}

/** Every file path a package manifest names (main, types, and each condition of `exports`), without `./`. */
function manifestPaths(file: string): string[] {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const paths: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') paths.push(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  [manifest.main, manifest.types, manifest.exports].forEach(visit);
  return paths;
}

/** A consumer's code: every line must type-check, and each `@ts-expect-error` must really be an error. */
const CONSUMER = `
import { ApiError, createTodoClient, type Problem, type Todo } from 'edge-todo-client';

const api = createTodoClient({ baseUrl: 'http://127.0.0.1:9', token: async () => 'a-token' });

export async function roundTrip(): Promise<Todo> {
  const { data: created, etag } = await api.POST('/todos', { body: { text: 'Buy milk' } });
  const text: string = created.text;
  const { data: page } = await api.GET('/todos', { params: { query: { limit: 10, done: 'false' } } });
  const first: Todo | undefined = page.items[0];
  const { data: updated } = await api.PATCH('/todos/{id}', {
    params: { path: { id: created.id }, header: { 'if-match': etag ?? '*' } },
    body: { done: true },
  });
  await api.DELETE('/todos/{id}', { params: { path: { id: created.id } } });
  // @ts-expect-error: no such path
  await api.GET('/nope');
  // @ts-expect-error: text is a string
  await api.POST('/todos', { body: { text: 1 } });
  // @ts-expect-error: the path's id is required
  await api.GET('/todos/{id}');
  // @ts-expect-error: no such field on a todo
  console.log(text, first, updated.colour);
  return updated;
}

export function explain(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const status: number = err.status;
  const wait: number | undefined = err.retryAfter;
  const problem: Problem | undefined = err.problem;
  return \`\${status} \${wait} \${problem?.detail}\`;
}
`;

/** Runs in the scratch project with node: the installed package's JavaScript, on a problem answer made here. */
const RUNTIME = `
import { ApiError, createTodoClient } from 'edge-todo-client';
const problem = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Try again shortly.' };
const seen = [];
const api = createTodoClient({
  baseUrl: 'http://127.0.0.1:9',
  token: () => 'a-token',
  fetch: async (request) => {
    seen.push(request.headers.get('authorization'));
    return new Response(JSON.stringify(problem), {
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '7' },
    });
  },
});
const err = await api.GET('/todos').catch((e) => e);
console.log(JSON.stringify({ isApiError: err instanceof ApiError, status: err.status, retryAfter: err.retryAfter, problem: err.problem, seen }));
`;

describe('the client package', () => {
  it('packs, installs offline outside the repository, type-checks in a strict consumer and runs', async () => {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
      cwd: join(repo, 'client'),
      env: npmEnv,
    });
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const shipped = files.map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md', 'package.json']));
    expect(shipped.filter((path) => path.startsWith('src/'))).toEqual([]);
    // TypeScript falls back to the .d.ts beside `default` when `types` names a missing file, so the consumer's
    // type check below would not see a wrong `types` path: every file the manifest names must be shipped.
    expect(shipped).toEqual(expect.arrayContaining(manifestPaths(join(repo, 'client/package.json'))));

    const project = join(scratch, 'consumer');
    mkdirSync(project);
    const client = JSON.parse(readFileSync(join(repo, 'client/package.json'), 'utf8')) as LockEntry;
    const tarball = `file:${join(scratch, filename)}`;
    const dependencies = { 'edge-todo-client': tarball };
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
    );
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({
        name: 'consumer',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'consumer', dependencies },
          'node_modules/edge-todo-client': {
            version: client.version,
            resolved: tarball,
            dependencies: client.dependencies,
          },
          ...lockedDependencies(Object.keys(client.dependencies ?? {})),
        },
      }),
    );
    await run('npm', ['ci', '--offline'], { cwd: project, env: npmEnv });

    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
        },
        files: ['consumer.ts'],
      }),
    );
    // The repository's own TypeScript, so nothing is fetched; a failure prints tsc's diagnostics.
    const tsc = await run(join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: project }).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout, failed: true }),
    );
    expect(tsc.stdout).toBe('');

    writeFileSync(join(project, 'runtime.mjs'), RUNTIME);
    const { stdout } = await run(process.execPath, ['runtime.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      isApiError: true,
      status: 503,
      retryAfter: 7,
      problem: { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Try again shortly.' },
      seen: ['Bearer a-token'],
    });
  }, 120_000);
});
