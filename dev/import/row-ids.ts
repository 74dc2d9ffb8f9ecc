import { createHash } from 'node:crypto';

/**
 * The ids of a file's rows, the same on every run: the import names each chunk's
 * first id (`POST /todos/import?firstId=`), and the API gives the chunk's k-th
 * row firstId + k. A row that is already in (an earlier run, any chunk size, any
 * time later) then has its id already, with the same text and done, and the API
 * counts it as replayed instead of inserting it again.
 *
 * The first 12 bytes are SHA-256 of who imports and the file's own SHA-256
 * (with the version 4 and variant bits set); the last 4 are the row's index
 * among the file's data rows. So one file's ids increase in file order, which
 * list and export use to order the rows of one chunk, and two owners importing
 * the same file get unrelated ids: neither meets the other's.
 */
export function rowIdSpace(importer: string, fileSha256: string): (rowIndex: number) => string {
  const prefix = createHash('sha256').update(`todo-import\n${importer}\n${fileSha256}`).digest().subarray(0, 12);
  prefix[6] = (prefix[6]! & 0x0f) | 0x40; // version 4
  prefix[8] = (prefix[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const head = prefix.toString('hex');
  return (rowIndex) => {
    if (!Number.isInteger(rowIndex) || rowIndex < 0 || rowIndex > 0xffffffff)
      throw new RangeError(`a file's row index is 0 to ${0xffffffff}, not ${rowIndex}`);
    const hex = head + rowIndex.toString(16).padStart(8, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/**
 * Who imports, as far as the ids need it: stable across runs for one owner. A
 * JWT names its issuer and subject (a fresh token for the same user gives the
 * same ids); any other token is its own name (a static API token); no token,
 * anonymous access. Hashed into the ids, never sent as such.
 */
export function importerOf(token: string | undefined): string {
  if (!token) return 'anonymous';
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as {
        iss?: unknown;
        sub?: unknown;
      };
      if (typeof claims.iss === 'string' && typeof claims.sub === 'string') return `jwt\n${claims.iss}\n${claims.sub}`;
    } catch {
      // Not a JWT after all: the token names its owner.
    }
  }
  return `token\n${token}`;
}
