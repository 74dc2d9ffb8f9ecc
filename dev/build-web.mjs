// Builds the web app (web/) into public/app/, where Workers static assets serve it: esbuild bundles
// web/src/main.tsx (TypeScript, JSX for Preact, the typed client from client/src) into hashed files under
// public/app/assets/, then writes public/app/index.html naming them. Run by dev/copy-assets.mjs, which is
// wrangler's build command, so `npm run dev`, the tests' wrangler runs and every deploy build it.
// The Worker answers /app navigations with that index.html (src/web-app/serve.ts); the asset layer
// serves the hashed files directly. Fails, saying why, when the app's JavaScript is over its budget.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export const WEB_SOURCE = new URL('../web/', import.meta.url).pathname;
export const WEB_SERVED = new URL('../public/app/', import.meta.url).pathname;
/** The app's JavaScript, all files together, gzipped: its budget (issue 27). */
export const WEB_JS_BUDGET_BYTES = 60 * 1024;

/** Writes `text` to `target` through a rename, so a server reading meanwhile never sees half a file. */
function writeAtomically(target, text) {
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, target);
}

/**
 * Builds the app into `outDir` (public/app/ by default); returns what it wrote and the gzipped size of
 * its JavaScript. Files of earlier builds that the new index.html no longer names are removed last.
 */
export async function buildWebApp({ outDir = WEB_SERVED } = {}) {
  const assetsDir = join(outDir, 'assets');
  mkdirSync(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(WEB_SOURCE, 'src/main.tsx') },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    outdir: assetsDir,
    tsconfig: join(WEB_SOURCE, 'tsconfig.json'),
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // The typed client package from its source (its dist/ is only built when it is packed).
    alias: { 'edge-todo-client': new URL('../client/src/index.ts', import.meta.url).pathname },
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => join(process.cwd(), file));
  const js = outputs.filter((file) => file.endsWith('.js'));
  const css = outputs.filter((file) => file.endsWith('.css'));
  const jsGzipBytes = js.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  if (jsGzipBytes > WEB_JS_BUDGET_BYTES)
    throw new Error(
      `the web app's JavaScript is ${(jsGzipBytes / 1024).toFixed(1)} KiB gzipped, over its ${WEB_JS_BUDGET_BYTES / 1024} KiB budget`,
    );
  const href = (file) => `/app/assets/${basename(file)}`;
  const html = readFileSync(join(WEB_SOURCE, 'index.html'), 'utf8')
    .replace('%APP_JS%', href(js.find((file) => basename(file).startsWith('app-'))))
    .replace('%APP_CSS%', href(css[0]));
  writeAtomically(join(outDir, 'index.html'), html);
  const kept = new Set(outputs.map((file) => basename(file)));
  for (const file of readdirSync(assetsDir)) if (!kept.has(file)) rmSync(join(assetsDir, file), { force: true });
  return { files: outputs.map((file) => relative(outDir, file)), jsGzipBytes };
}
