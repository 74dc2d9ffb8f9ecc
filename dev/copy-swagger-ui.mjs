// Copies the pinned Swagger UI files from node_modules into public/docs/ (git-ignored),
// where Workers static assets serve them: /docs never loads anything from a CDN.
// Runs before every build wrangler makes (wrangler.jsonc `build`: deploy, versions upload, dev),
// so no install step is needed and no deploy can ship a /docs without its files: the build
// copies them, or fails saying why.
// A file already up to date is left alone, and a changed one is replaced atomically, so a
// server reading public/docs meanwhile never sees half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];
export const DOCS_DIR = new URL('../public/docs/', import.meta.url).pathname;

/** Copies Swagger UI's files into `to` (public/docs/ by default); returns the names it wrote. */
export function copySwaggerUi(to = DOCS_DIR) {
  let from;
  try {
    from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    throw new Error('swagger-ui-dist is not installed, so /docs cannot get its files: run `npm ci` first');
  }
  mkdirSync(to, { recursive: true });
  const written = [];
  for (const file of SWAGGER_UI_FILES) {
    const source = readFileSync(join(from, file));
    const target = join(to, file);
    if (existsSync(target) && statSync(target).size === source.length && readFileSync(target).equals(source)) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, source);
    renameSync(temporary, target);
    written.push(file);
  }
  for (const file of SWAGGER_UI_FILES) {
    if (!(statSync(join(to, file), { throwIfNoEntry: false })?.size > 0))
      throw new Error(`${join(to, file)} is missing or empty after the copy`);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    copySwaggerUi();
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
