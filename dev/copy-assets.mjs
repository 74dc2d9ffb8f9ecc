// The static assets the Worker's build does not commit, copied into public/ (git-ignored there), where
// Workers static assets serve them before the Worker runs:
// - Swagger UI's pinned files into public/docs/, so /docs never loads anything from a CDN;
// - openapi.json (committed at the root, where `npm run openapi` and the client generator keep it) into
//   public/, so GET /openapi.json is a file and not part of the Worker's bundle;
// - the web app, built from web/ into public/app/ (dev/build-web.mjs).
// Runs before every build wrangler makes (wrangler.jsonc `build`: deploy, versions upload, dev), so no
// install step is needed and no deploy can ship without these files: the build copies them, or fails
// saying why. A file already up to date is left alone, and a changed one is replaced atomically, so a
// server reading public/ meanwhile never sees half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildWebApp } from './build-web.mjs';

export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];
export const DOCS_DIR = new URL('../public/docs/', import.meta.url).pathname;

export const OPENAPI_SOURCE = new URL('../openapi.json', import.meta.url).pathname;
export const OPENAPI_SERVED = new URL('../public/openapi.json', import.meta.url).pathname;

/** Writes `source` to `target` unless it already holds exactly that, through a rename; true when it wrote. */
function copyIfChanged(source, target) {
  if (existsSync(target) && statSync(target).size === source.length && readFileSync(target).equals(source))
    return false;
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, source);
  renameSync(temporary, target);
  return true;
}

/** Copies Swagger UI's files into `to` (public/docs/ by default); returns the names it wrote. */
export function copySwaggerUi(to = DOCS_DIR) {
  let from;
  try {
    from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    throw new Error('swagger-ui-dist is not installed, so /docs cannot get its files: run `npm ci` first');
  }
  mkdirSync(to, { recursive: true });
  const written = SWAGGER_UI_FILES.filter((file) => copyIfChanged(readFileSync(join(from, file)), join(to, file)));
  for (const file of SWAGGER_UI_FILES) {
    if (!(statSync(join(to, file), { throwIfNoEntry: false })?.size > 0))
      throw new Error(`${join(to, file)} is missing or empty after the copy`);
  }
  return written;
}

/** Copies the committed openapi.json to where it is served (`to`, public/openapi.json by default); true when it wrote. */
export function copyOpenApi(to = OPENAPI_SERVED) {
  return copyIfChanged(readFileSync(OPENAPI_SOURCE), to);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    copySwaggerUi();
    copyOpenApi();
    await buildWebApp();
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
