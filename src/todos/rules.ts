/**
 * The rules a todo's text obeys, in one place: the JSON API, the CSV import and
 * the table's CHECK constraints all use them.
 */
export const TEXT_MAX_LENGTH = 1000;

/** Why a (not yet trimmed) text is unacceptable, or undefined when it is fine. */
export function textProblem(raw: string): string | undefined {
  const text = raw.trim();
  if (text.length === 0) return 'must not be empty or only whitespace';
  if (text.includes('\0')) return 'must not contain NUL (\\u0000) characters';
  if (!text.isWellFormed()) return 'must be valid Unicode (no lone surrogates)';
  // Postgres counts characters as code points, so do we (an emoji is one).
  let length = 0;
  for (const _ of text) if (++length > TEXT_MAX_LENGTH) return `must be at most ${TEXT_MAX_LENGTH} characters`;
  return undefined;
}
