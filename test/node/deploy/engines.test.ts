import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// npm's own range logic (the copy npm's dependencies already bring), so the test reads ranges as npm ci does.
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

describe('the Node version npm ci accepts', () => {
  it('is enforced by npm ci itself (.npmrc engine-strict), not found out later by wrangler', () => {
    expect(readFileSync('.npmrc', 'utf8')).toMatch(/^engine-strict=true$/m);
  });

  // Under engine-strict a dependency's own range is enforced too: the oldest Node the project admits
  // must satisfy every package it installs, or npm ci refuses a Node that package.json says is fine.
  it("admits, at its oldest, every installed package's own engines range", () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refused = Object.entries(lock.packages)
      .filter(([, entry]) => !entry.optional)
      .map(([path, entry]) => [path, Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
      .filter(([, range]) => range && !semver.satisfies(oldest, range))
      .map(([path, range]) => `${path} needs ${range}`);
    expect(refused, `Node ${oldest}`).toEqual([]);
  });

  it('names in .nvmrc a major that package.json admits', () => {
    const major = readFileSync('.nvmrc', 'utf8').trim().replace(/^v/, '');
    expect(semver.satisfies(`${major}.99.0`, pkg.engines.node)).toBe(true);
  });
});
