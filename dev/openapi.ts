// npm run openapi: writes the OpenAPI 3.1 document, generated from the routes, to openapi.json (committed), which
// the Worker serves, and the typed client's types generated from it (client/src/openapi.ts, committed).
// test/node/api/openapi-drift.test.ts and test/node/client/types-drift.test.ts regenerate both, so neither can drift.
import { writeFileSync } from 'node:fs';
import { documentFileText } from '../src/docs/document.ts';
import { app } from '../src/index.ts';
import { DOCUMENT_FILE, writeClientTypes } from './client-types.ts';

const document = documentFileText(app);
writeFileSync(DOCUMENT_FILE, document);
await writeClientTypes(document);
console.log('wrote openapi.json and client/src/openapi.ts');
