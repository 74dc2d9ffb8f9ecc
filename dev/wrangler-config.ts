import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Worker's configuration: JSON with comments, read by wrangler, the workers tests, the bench and the deploy. */
export const WRANGLER_CONFIG = 'wrangler.jsonc';

/** The parts of the top level or of an environment the tooling reads; wrangler's schema (its `$schema`) has the rest. */
export interface RawWranglerScope {
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars?: Record<string, string>;
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
  [key: string]: unknown;
}

/** The configuration file: the top level and its environments. */
export interface RawWranglerConfig extends RawWranglerScope {
  env?: Record<string, RawWranglerScope>;
}

// wrangler's own reader (JSONC, TOML or JSON, as a deploy reads it). Its types name a package wrangler
// bundles without publishing, hence the local signature.
// eslint-disable-next-line @typescript-eslint/unbound-method -- a plain function of a CommonJS module
const { experimental_readRawConfig } = createRequire(import.meta.url)('wrangler') as {
  experimental_readRawConfig(args: { config: string }): { rawConfig: RawWranglerConfig };
};

/** The configuration file as written (comments dropped, no environment applied, paths as they stand). */
export function readRawWranglerConfig(path = WRANGLER_CONFIG): RawWranglerConfig {
  return experimental_readRawConfig({ config: path }).rawConfig;
}

/**
 * Writes `config` as JSON (valid JSONC) to `path`. Relative paths inside it are read from the
 * file's folder: write beside the original, or adjust them.
 */
export function writeWranglerConfig(path: string, config: RawWranglerConfig): void {
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}

export interface WorkerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** The top-level vars: what the deployed Worker sees besides its secrets. */
  vars: Record<string, string>;
}

/** The few settings that the Worker needs when workerd runs it without wrangler (the bench). */
export function readWorkerConfig(path = WRANGLER_CONFIG): WorkerConfig {
  const config = readRawWranglerConfig(path);
  if (!config.compatibility_date) throw new Error(`${path} has no compatibility_date`);
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    vars: config.vars ?? {},
  };
}
