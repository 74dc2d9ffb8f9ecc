import { formulaSafe } from './formula.ts';

/** Quotes a field only when it must (a comma, a quote, a line break, or edge whitespace a reader might trim). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * One CSV record with its CRLF terminator (RFC 4180). Every field is made
 * formula-safe: whatever this project writes, its import reads back as it was.
 */
export function csvRecord(fields: readonly (string | number | boolean)[]): string {
  return fields.map((field) => csvField(formulaSafe(String(field)))).join(',') + '\r\n';
}
