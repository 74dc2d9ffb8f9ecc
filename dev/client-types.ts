// The typed client's types (client/src/openapi.ts, committed) generated from openapi.json by openapi-typescript:
// `npm run client:generate`, and `npm run openapi` right after writing the document. test/node/client/types-drift.test.ts
// fails when the committed file is not what this makes.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

export const DOCUMENT_FILE = new URL('../openapi.json', import.meta.url);
export const CLIENT_TYPES_FILE = new URL('../client/src/openapi.ts', import.meta.url);

const HEADER = `// Generated from openapi.json by openapi-typescript (dev/client-types.ts): do not edit.
// \`npm run openapi\` regenerates it with the document; \`npm run client:generate\` from the committed document.
`;

/** The text of client/src/openapi.ts for the document `documentText` (openapi.json's text). */
export async function clientTypesText(documentText: string): Promise<string> {
  // A default belongs to the server (it fills in what a request leaves out), so a field with one stays optional.
  const ast = await openapiTS(JSON.parse(documentText) as OpenAPI3, { defaultNonNullable: false });
  return HEADER + astToString(ast);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(CLIENT_TYPES_FILE, await clientTypesText(readFileSync(DOCUMENT_FILE, 'utf8')));
  console.log('wrote client/src/openapi.ts from openapi.json');
}
