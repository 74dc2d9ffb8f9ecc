/**
 * A todo's entity tags, by the rules every versioned resource shares
 * (src/lib/conditional.ts): a strong tag of id and version, and the versions
 * an If-Match header names.
 */
export { ifMatchVersions, versionEtag as todoEtag } from '../lib/conditional.ts';
