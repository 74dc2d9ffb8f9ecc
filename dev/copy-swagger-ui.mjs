// Copies the pinned Swagger UI files from node_modules into public/docs/ (git-ignored),
// where Workers static assets serve them: /docs never loads anything from a CDN.
// Runs on `npm install`/`npm ci` (postinstall), so a fresh clone has them.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const to = new URL('../public/docs/', import.meta.url).pathname;
mkdirSync(to, { recursive: true });
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']) copyFileSync(join(from, file), join(to, file));
