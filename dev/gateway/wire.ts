/**
 * Just enough of the Postgres wire protocol (v3) for the gateway: split a byte
 * stream into messages, read the startup packet and the password, and build the
 * few server messages the gateway answers itself.
 */

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

export interface Message {
  /** Type byte as a character; '' for the untyped startup-phase packets. */
  type: string;
  /** The whole message, type byte and length included. */
  bytes: Uint8Array;
  /** The payload after the length field. */
  body: Uint8Array;
}

/**
 * Accumulates bytes and hands out complete messages. Startup-phase packets have
 * no type byte, so the caller says which phase it is in.
 */
export function createMessageReader() {
  let buffer = new Uint8Array(0);
  return {
    push(chunk: Uint8Array): void {
      const next = new Uint8Array(buffer.length + chunk.length);
      next.set(buffer, 0);
      next.set(chunk, buffer.length);
      buffer = next;
    },
    next(typed: boolean): Message | undefined {
      const header = typed ? 5 : 4;
      if (buffer.length < header) return undefined;
      const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      const length = view.getInt32(typed ? 1 : 0);
      const total = length + (typed ? 1 : 0);
      if (buffer.length < total) return undefined;
      const bytes = buffer.slice(0, total);
      buffer = buffer.slice(total);
      return { type: typed ? String.fromCharCode(bytes[0]!) : '', bytes, body: bytes.subarray(header) };
    },
  };
}

/** Reads the startup packet: protocol code and, for protocol 3, its parameters. */
export function parseStartup(body: Uint8Array): { code: number; params: Record<string, string> } {
  const code = new DataView(body.buffer, body.byteOffset, body.byteLength).getInt32(0);
  const params: Record<string, string> = {};
  if (code === PROTOCOL_3) {
    const parts = new TextDecoder().decode(body.subarray(4)).split('\0');
    for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) params[parts[i]!] = parts[i + 1]!;
  }
  return { code, params };
}

/** Reads a null-terminated string payload (PasswordMessage). */
export function parseCString(body: Uint8Array): string {
  const end = body.indexOf(0);
  return new TextDecoder().decode(body.subarray(0, end < 0 ? body.length : end));
}

function message(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, body.length + 4);
  out.set(body, 5);
  return out;
}

/** AuthenticationCleartextPassword: what Neon's proxy asks a client for. */
export function authCleartextRequest(): Uint8Array {
  return message('R', new Uint8Array([0, 0, 0, 3]));
}

/** ErrorResponse with the usual fields, e.g. a FATAL 28P01 for a wrong password. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Uint8Array {
  const enc = new TextEncoder();
  const fields: [string, string][] = [
    ['S', severity],
    ['V', severity],
    ['C', code],
    ['M', text],
  ];
  const parts = fields.map(([k, v]) => enc.encode(`${k}${v}\0`));
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + 1);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  return message('E', body);
}

/** A simple Query message ('Q'), used to reset an abandoned session. */
export function simpleQuery(sql: string): Uint8Array {
  return message('Q', new TextEncoder().encode(`${sql}\0`));
}

/** A Sync message ('S'): ends an extended-protocol sequence left half-sent. */
export function syncMessage(): Uint8Array {
  return message('S', new Uint8Array(0));
}

/** The message (`M` field) of the first ErrorResponse in a chunk of server output, if there is one. */
export function firstError(out: Uint8Array): string | undefined {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let at = 0; at + 5 <= out.length;) {
    const length = view.getInt32(at + 1);
    if (out[at] === 0x45 /* E */) {
      const fields = new TextDecoder().decode(out.subarray(at + 5, at + 1 + length)).split('\0');
      return fields.find((field) => field.startsWith('M'))?.slice(1) ?? 'unknown error';
    }
    at += 1 + length;
  }
  return undefined;
}

/**
 * The transaction status of the LAST ReadyForQuery in a chunk of server output
 * ('I' idle, 'T' in transaction, 'E' failed transaction), or undefined when the
 * chunk has none (the server is still waiting for more of the client's messages).
 */
export function lastReadyStatus(out: Uint8Array): string | undefined {
  let status: string | undefined;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let at = 0; at + 5 <= out.length;) {
    const type = out[at]!;
    const length = view.getInt32(at + 1);
    if (type === 0x5a /* Z */ && at + 5 < out.length) status = String.fromCharCode(out[at + 5]!);
    at += 1 + length;
  }
  return status;
}
