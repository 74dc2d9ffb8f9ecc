import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, DOCUMENT_FILE, clientTypesText } from '../../../dev/client-types.ts';

describe('client/src/openapi.ts', () => {
  // The client's types are generated from the committed document: this keeps them that document's types.
  it('is what openapi-typescript makes of openapi.json, byte for byte (run `npm run openapi` or `npm run client:generate`)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientTypesText(readFileSync(DOCUMENT_FILE, 'utf8')));
  });
});
