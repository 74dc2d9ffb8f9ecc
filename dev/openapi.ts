// npm run openapi: writes the OpenAPI 3.1 document, generated from the routes, to openapi.json (committed; the
// client generator and other tooling read it there) and to public/openapi.json, where the asset layer serves it
// (every build copies it there too). test/node/api/openapi-drift.test.ts regenerates it, so the file cannot drift
// from the routes.
import { writeFileSync } from 'node:fs';
import { copyOpenApi } from './copy-assets.mjs';
import { documentFileText } from '../src/docs/document.ts';
import { app } from '../src/index.ts';

writeFileSync(new URL('../openapi.json', import.meta.url), documentFileText(app));
copyOpenApi();
console.log('wrote openapi.json and public/openapi.json');
