/** The names this machine's loopback goes by, as a Host header writes them. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

/**
 * True when a request's Host header names this machine. The gateway listens on 127.0.0.1 only, but a web page
 * whose DNS name is rebound to 127.0.0.1 reaches it with its own name in Host (and, to the browser, the same
 * origin as the page): refusing every other Host keeps such a page from minting tokens or running SQL.
 */
export const isLoopbackHost = (host: string | undefined): boolean => host !== undefined && LOOPBACK_HOST.test(host);
