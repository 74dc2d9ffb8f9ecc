/** node-postgres's parameter encoding, which the Neon driver shares: used to check our size estimates. */
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
