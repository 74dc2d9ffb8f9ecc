// npm run openapi: writes the OpenAPI 3.1 document, generated from the routes, to openapi.json (committed), which
// the Worker serves. test/node/api/openapi-drift.test.ts regenerates it, so the file cannot drift from the routes.
import { writeFileSync } from 'node:fs';
import { documentFileText } from '../src/docs/document.ts';
import { app } from '../src/index.ts';

writeFileSync(new URL('../openapi.json', import.meta.url), documentFileText(app));
console.log('wrote openapi.json');
