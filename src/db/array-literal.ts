/**
 * A Postgres array literal (`{"a","b"}`) built one element at a time, for a
 * statement that takes many values in one parameter (`$1::text[]`). The
 * literal is the only copy of the values the Worker keeps: no array of
 * strings beside it for the driver to encode again. Its size inside a
 * SQL-over-HTTP request, where it travels as a JSON string, is known as it
 * grows, so an oversized statement is refused before the rest is read.
 */
export interface ArrayLiteral<T> {
  readonly count: number;
  /** UTF-8 bytes the literal takes inside the request's JSON (escapes and braces included, not the JSON quotes). */
  readonly requestBytes: number;
  /** Adds one element; null is the literal's NULL. */
  add(value: T | null): void;
  /**
   * Copies the elements added since the last call into one string of the
   * literal. Called after each piece of input, it lets that piece (which the
   * elements may still point into) die young, instead of ageing into the
   * long-lived heap with them.
   */
  seal(): void;
  /** The literal, as one flat string. */
  finish(): string;
}

/** Pending parts are joined into one piece at this many, if the input's piece has not ended first. */
const PIECE_PARTS = 16 * 1024;

/** Printable ASCII other than `"` and `\`: one byte each inside a JSON string. */
const PLAIN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 bytes of `text` inside a JSON string, as JSON.stringify escapes it. */
export function jsonStringBytes(text: string): number {
  if (PLAIN_JSON.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92) bytes += 2;
    else if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * `write` appends an element's parts to the literal's pending parts and
 * returns their bytes inside the request: parts, not one string per element,
 * so an element costs no allocation until its piece is joined.
 */
function arrayLiteral<T>(write: (value: T, parts: string[]) => number): ArrayLiteral<T> {
  let count = 0;
  let requestBytes = 2; // the braces
  let pieces: string[] = ['{'];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    pieces.push(pending.join(''));
    pending = [];
  };
  return {
    get count() {
      return count;
    },
    get requestBytes() {
      return requestBytes;
    },
    add(value) {
      if (count > 0) {
        pending.push(',');
        requestBytes++;
      }
      if (value === null) {
        pending.push('NULL');
        requestBytes += 4;
      } else requestBytes += write(value, pending);
      count++;
      if (pending.length >= PIECE_PARTS) flush();
    },
    seal: flush,
    finish() {
      flush();
      pieces.push('}');
      // One join: the literal is built once, as one flat string.
      const literal = pieces.join('');
      pieces = ['{'];
      count = 0;
      requestBytes = 2;
      return literal;
    },
  };
}

/** Texts, each quoted, with `"` and `\` escaped: any text, NULL-looking or empty, stays a text. */
export const textArrayLiteral = () =>
  arrayLiteral((text: string, parts) => {
    const escaped = text.replace(/["\\]/g, '\\$&');
    parts.push('"', escaped, '"');
    return 4 + jsonStringBytes(escaped); // each quote is \" inside JSON
  });

/** Booleans as `t` and `f`, one character each. */
export const booleanArrayLiteral = () =>
  arrayLiteral((flag: boolean, parts) => {
    parts.push(flag ? 't' : 'f');
    return 1;
  });

/** Integers in decimal. */
export const integerArrayLiteral = () =>
  arrayLiteral((n: number, parts) => {
    const digits = String(n);
    parts.push(digits);
    return digits.length;
  });

/** An element type a statement takes many values of in one parameter (`$1::type[]`), and its literal. */
export interface ArrayKind<T> {
  /** The Postgres element type. */
  readonly type: string;
  literal(): ArrayLiteral<T>;
}

export const TEXT_ARRAY: ArrayKind<string> = { type: 'text', literal: textArrayLiteral };
export const BOOLEAN_ARRAY: ArrayKind<boolean> = { type: 'boolean', literal: booleanArrayLiteral };
export const INTEGER_ARRAY: ArrayKind<number> = { type: 'int', literal: integerArrayLiteral };
export const UUID_ARRAY: ArrayKind<string> = { type: 'uuid', literal: textArrayLiteral };
