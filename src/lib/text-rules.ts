/**
 * The rules a todo's text (and a list's title) obeys, in one place: the JSON
 * API, the CSV import and the table's CHECK constraints all use them.
 */
export const TEXT_MAX_LENGTH = 1000;

/** Why a (not yet trimmed) text is unacceptable, or undefined when it is fine: at most `max` characters. */
export function textProblem(raw: string, max = TEXT_MAX_LENGTH): string | undefined {
  const text = raw.trim();
  if (text.length === 0) return 'must not be empty or only whitespace';
  if (text.includes('\0')) return 'must not contain NUL (\\u0000) characters';
  if (!text.isWellFormed()) return 'must be valid Unicode (no lone surrogates)';
  // Postgres counts characters as code points, so do we (an emoji is one).
  let length = 0;
  for (const _ of text) if (++length > max) return `must be at most ${max} characters`;
  return undefined;
}
