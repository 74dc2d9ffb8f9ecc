// npm run openapi: writes the OpenAPI 3.1 document the Worker serves to openapi.json (committed).
// A test compares the two, so the file cannot drift from the routes.
import { writeFileSync } from 'node:fs';
import { app } from '../src/index.ts';

const res = await app.request('/openapi.json', {}, { DATABASE_URL: '' });
// The Worker names the origin that served the document; the file names "the same origin".
const document = {
  ...(await res.json<Record<string, unknown>>()),
  servers: [{ url: '/', description: 'The origin serving this document' }],
};
writeFileSync(new URL('../openapi.json', import.meta.url), `${JSON.stringify(document, null, 2)}\n`);
console.log('wrote openapi.json');
