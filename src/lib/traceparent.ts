/** version-traceid-parentid-flags, lowercase hex; a later version may append fields after a dash (not read). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:$|-)/;
/** Version 00's whole length: nothing may follow its flags. */
const VERSION_00_LENGTH = 55;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);

/**
 * A W3C Trace Context `traceparent` header checked as the specification says
 * (https://www.w3.org/TR/trace-context/#traceparent-header), in version 00's
 * form, which is the one to pass on; undefined for anything invalid, which is
 * then ignored: version `ff`, uppercase, an all-zero trace or parent id, or a
 * version 00 header with more after its flags.
 */
export function validTraceparent(header: string): string | undefined {
  const match = TRACEPARENT.exec(header);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags] = match;
  if (version === 'ff' || (version === '00' && header.length !== VERSION_00_LENGTH)) return undefined;
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  return `00-${traceId}-${parentId}-${flags}`;
}
