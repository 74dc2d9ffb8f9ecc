import { readFileSync } from 'node:fs';

export interface WorkerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** The top-level [vars]: what the deployed Worker sees besides its secrets. */
  vars: Record<string, string>;
}

/**
 * The few settings of wrangler.toml that the Worker needs when workerd runs
 * it without wrangler. Reads the simple `key = value` lines wrangler.toml uses
 * here; a config that outgrows that should move to wrangler's own reader.
 */
export function readWorkerConfig(path = 'wrangler.toml'): WorkerConfig {
  const text = readFileSync(path, 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  if (!date) throw new Error(`${path} has no compatibility_date`);
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1] ?? '';
  const varsSection = /^\[vars\]\s*\n([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(text)?.[1] ?? '';
  const vars = Object.fromEntries([...varsSection.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]));
  return { compatibilityDate: date, compatibilityFlags: [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]!), vars };
}
