// No problem answer outgrows 16 KiB, whatever the request: the import's row list included.
import { describe, expect, it } from 'vitest';
import { importCsv } from './client.ts';

const MAX_BYTES = 16 * 1024;
const bytesOf = (body: unknown) => new TextEncoder().encode(JSON.stringify(body)).length;

describe('the import problem', () => {
  it('keeps its list of the first invalid rows within 16 KiB, and counts every invalid row', async () => {
    // Each row breaks both rules (an empty text, a done that is no boolean): the longest entries the list can hold.
    // Valid rows first push the line and row numbers into five digits.
    const valid = Array.from({ length: 50_000 }, () => 'x,1\n').join('');
    const invalid = Array.from({ length: 150 }, () => ' ,maybe\n').join('');
    const res = await importCsv(`text,done\n${valid}${invalid}`);
    expect(res.status).toBe(400);
    expect(res.body.invalidRows).toBe(150);
    expect(res.body.rows.length).toBeGreaterThan(50);
    expect(res.body.rows.length).toBeLessThanOrEqual(100);
    expect(res.body.rows[0]).toEqual({
      line: 50_002,
      row: 50_001,
      errors: [
        { path: 'text', message: expect.any(String) },
        { path: 'done', message: expect.any(String) },
      ],
    });
    expect(bytesOf(res.body)).toBeLessThanOrEqual(MAX_BYTES);
  });
});
