/**
 * Counts how many characters string scanning looks at while `run` runs:
 * each `charCodeAt` call is one, each `indexOf` the stretch it searched. A
 * bound on work that does not depend on the machine's speed, as a timing would.
 */
export function countScanned<T>(run: () => T): { result: T; scanned: number } {
  const proto = String.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as they were, and called with .call(this)
  const { charCodeAt, indexOf } = proto;
  let scanned = 0;
  proto.charCodeAt = function (this: string, index: number) {
    scanned++;
    return charCodeAt.call(this, index);
  };
  proto.indexOf = function (this: string, search: string, from = 0) {
    const found = indexOf.call(this, search, from);
    scanned += (found === -1 ? this.length : found + search.length) - from;
    return found;
  };
  try {
    return { result: run(), scanned };
  } finally {
    proto.charCodeAt = charCodeAt;
    proto.indexOf = indexOf;
  }
}
