// The Neon driver as the Worker's bundle takes it (wrangler.jsonc aliases @neondatabase/serverless to the file this
// writes; vitest.config.ts gives the workers tests the same alias). The driver's one pre-bundled module evaluates
// all of node-postgres (Client, Pool, the wire protocol, pg-pass, pg-connection-string) when it loads and reads
// `globalThis.process`, which makes workerd set up its Node `process` module; the Worker only ever calls `neon()`
// over HTTP, which needs neither. Three edits, each checked to match exactly once (a build fails, saying which,
// when the pinned driver changes):
// 1. node-postgres and the driver's Client and Pool are evaluated on first use: `Client`, `Pool` and
//    `DatabaseError` are stand-ins that construct, subclass and answer `instanceof` as the real classes (which
//    they load on first touch), `parseIntoClientConfig` calls the real one. `types` and `defaults` are the same
//    objects pg's index exports (pg-types and pg's defaults, which the HTTP path loads anyway).
// 2. The driver's shared `process` is its own fallback for runtimes without one (an empty object whose
//    `nextTick` is a resolved promise's `then`) until node-postgres loads, which then takes the real `process`,
//    as the unmodified driver does.
// 3. The driver's internal modules are marked pure, so the bundler drops those nothing uses (node-postgres,
//    when nothing imports `Client` or `Pool`).
// Runs before every build wrangler makes (wrangler.jsonc `build`); writes only when the result differs.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const DRIVER_VERSION = '1.2.0';
export const WORKER_DRIVER = new URL('../.build/neon-serverless.mjs', import.meta.url).pathname;

const require = createRequire(import.meta.url);

/** Replaces `from` by `to` in `text`, which must hold `from` exactly once. */
function replaceOnce(text, from, to, what) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(
      `the Neon driver's build no longer has ${what} exactly once: dev/worker-driver.mjs needs updating for @neondatabase/serverless ${DRIVER_VERSION}`,
    );
  return text.slice(0, at) + to + text.slice(at + from.length);
}

// The driver's esbuild helpers, as its 1.2.0 build names them: V is __esm (a lazily run initialiser), T is
// __commonJS (a lazily run CommonJS module).
const LAZY_INIT = 'var V=(r,e,t)=>()=>{if(t)throw t[0];try{return r&&(e=r(r=0)),e}catch(n){throw t=[n],n}};';
const LAZY_MODULE = 'var T=(r,e)=>()=>{try{return e||r((e={exports:{}}).exports,e),e.exports}catch(t){throw e=0,t}}';
const PROCESS = 'y=globalThis.process??{};';
const NO_PROCESS = 'y={nextTick:(e=>e.then.bind(e))(Promise.resolve())};';
// From the driver's first use of node-postgres to just before its exports: node-postgres, NeonClient, NeonPool,
// parseIntoClientConfig.
const PG_START = 'var Co=we(ot());';
const PG_END = 'var Ap="mjs";';
const PG_EXPORTS =
  'var export_DatabaseError=ct.DatabaseError;var export_defaults=ct.defaults;var export_escapeIdentifier=ct.escapeIdentifier;\nvar export_escapeLiteral=ct.escapeLiteral;var export_types=ct.types;';

/**
 * A constructor that stands for the class `load()` returns, loading it on first touch: `new`, `extends`,
 * `instanceof`, static members and `prototype` all reach the real class.
 */
const LAZY_CLASS = `var lazyClass=r=>new Proxy(function(){},{construct:(e,t,n)=>Reflect.construct(r(),t,n),get:(e,t)=>t==="prototype"?r().prototype:Reflect.get(r(),t),set:(e,t,n)=>Reflect.set(r(),t,n),has:(e,t)=>Reflect.has(r(),t),apply:(e,t,n)=>Reflect.apply(r(),t,n)});`;

/** The edited driver's text, from the installed driver's. */
export function workerDriver(source) {
  let text = source;
  for (const [helper, what] of [
    [LAZY_INIT, 'its __esm helper'],
    [LAZY_MODULE, 'its __commonJS helper'],
  ])
    replaceOnce(text, helper, helper, what);
  text = replaceOnce(text, PROCESS, NO_PROCESS, 'its read of globalThis.process');
  const start = text.indexOf(PG_START);
  const end = text.indexOf(PG_END);
  if (start < 0 || end < start) replaceOnce(text, PG_START + PG_END, '', 'node-postgres before its exports');
  const pg = text.slice(start, end);
  text =
    text.slice(0, start) +
    `${LAZY_CLASS}var loadPg=/* @__PURE__ */V(()=>{y=globalThis.process??y;y.env??(y.env={});${pg};return{Client:ut,Pool:Un,DatabaseError:ct.DatabaseError,parseIntoClientConfig:$l}});` +
    `var ut=/* @__PURE__ */lazyClass(()=>loadPg().Client),Un=/* @__PURE__ */lazyClass(()=>loadPg().Pool),$l=(...r)=>loadPg().parseIntoClientConfig(...r);` +
    text.slice(end);
  // escapeIdentifier and escapeLiteral: node-postgres's index (pg 8 as the driver bundles it) has neither, so the
  // driver exports undefined; so does this.
  text = replaceOnce(
    text,
    PG_EXPORTS,
    'var export_DatabaseError=/* @__PURE__ */lazyClass(()=>loadPg().DatabaseError);var export_defaults=tt();var export_escapeIdentifier=void 0;var export_escapeLiteral=void 0;var export_types=Je();',
    "its exports taken from node-postgres's index",
  );
  return markModulesPure(text);
}

/** `/* @__PURE__ *\/` before each top-level `T(...)` and `V(...)`: making a lazy module has no side effect. */
function markModulesPure(text) {
  const file = ts.createSourceFile('driver.mjs', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const at = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const { initializer } of statement.declarationList.declarations)
      if (
        initializer &&
        ts.isCallExpression(initializer) &&
        ts.isIdentifier(initializer.expression) &&
        (initializer.expression.text === 'T' || initializer.expression.text === 'V')
      )
        at.push(initializer.getStart(file));
  }
  let out = '';
  let from = 0;
  for (const position of at) {
    out += `${text.slice(from, position)}/* @__PURE__ */`;
    from = position;
  }
  return out + text.slice(from);
}

/** Writes the Worker's driver to `to` unless it already holds exactly that; returns `to`. */
export function writeWorkerDriver(to = WORKER_DRIVER) {
  const packageDir = dirname(require.resolve('@neondatabase/serverless'));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  if (version !== DRIVER_VERSION)
    throw new Error(
      `@neondatabase/serverless is ${version}, and dev/worker-driver.mjs edits ${DRIVER_VERSION}: check its edits against the new build, then update DRIVER_VERSION`,
    );
  const text = workerDriver(readFileSync(join(packageDir, 'index.mjs'), 'utf8'));
  if (existsSync(to) && readFileSync(to, 'utf8') === text) return to;
  mkdirSync(dirname(to), { recursive: true });
  const temporary = `${to}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, to);
  return to;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    writeWorkerDriver();
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
