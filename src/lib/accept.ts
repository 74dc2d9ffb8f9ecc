/**
 * Content negotiation (RFC 9110 §12.5.1) between a few media types: the one
 * the client's Accept header weighs highest, the most specific range deciding
 * each type's weight; ties go to the earlier offer. No Accept header means
 * the first offer; undefined means none is acceptable (406).
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (!accept?.trim()) return offered[0];
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...parameters] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith('q='));
    return { range, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  let best: { type: string; q: number } | undefined;
  for (const type of offered) {
    const q = weight(type, ranges);
    if (q > 0 && (!best || q > best.q)) best = { type, q };
  }
  return best?.type;
}

/** The q of the most specific range matching `type` (exact, then type/*, then * / *), or 0. */
function weight(type: string, ranges: { range: string; q: number }[]): number {
  const major = `${type.split('/')[0]}/*`;
  for (const candidate of [type, major, '*/*']) {
    const match = ranges.find((r) => r.range === candidate);
    if (match) return match.q;
  }
  return 0;
}
