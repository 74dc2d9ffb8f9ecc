/** base64url (RFC 4648 §5) without padding: opaque tokens that travel in URLs unescaped. */

/** Encodes a binary string (each character one byte, as btoa takes it; ASCII JSON is one). */
export const encodeBase64url = (binary: string): string =>
  btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The binary string inside `text`; throws when `text` is not base64. */
export const decodeBase64url = (text: string): string => atob(text.replace(/-/g, '+').replace(/_/g, '/'));
