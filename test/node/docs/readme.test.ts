import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks, headingSlug } from '../../support/markdown-links.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The README is a front door: the reference lives in docs/. */
const README_MAX_LINES = 250;

/** The documents whose relative links must resolve: the README, the changelog and every page of docs/. */
const DOCUMENTS = [
  'README.md',
  'CHANGELOG.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('the README and docs/', () => {
  it(`keeps README.md within ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('has only relative links that resolve to a file, and anchors that name a heading there', () => {
    expect(DOCUMENTS).toContain('docs/api.md');
    expect(DOCUMENTS.flatMap((file) => brokenLinks(ROOT, file))).toEqual([]);
  });
});

describe('the link check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes GitHub's heading anchors", () => {
    expect(headingSlug("The Worker's role on Neon")).toBe('the-workers-role-on-neon');
    expect(headingSlug('What `npm run deploy` does')).toBe('what-npm-run-deploy-does');
    expect(headingSlug('Why HTTP, and when Hyperdrive is better')).toBe('why-http-and-when-hyperdrive-is-better');
    expect(headingSlug('A lean request path and a fast cold start (2026-11-30)')).toBe(
      'a-lean-request-path-and-a-fast-cold-start-2026-11-30',
    );
  });

  it('finds a missing file and a missing heading, and ignores code, external links and good ones', () => {
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs/other.md'), '# Other page\n\n## Setup\n\n## Setup\n');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# Title',
        '[ok](docs/other.md) [ok](docs/other.md#setup) [ok](docs/other.md#setup-1) [ok](#title) [ok](docs/)',
        '[gone](docs/missing.md)',
        '[bad anchor](docs/other.md#install)',
        '[bad local anchor](#nowhere)',
        '[ext](https://example.com/x.md) `[code](docs/missing.md)`',
        '```',
        '[fenced](docs/missing.md)',
        '```',
        '[ref]: docs/also-missing.md',
      ].join('\n'),
    );
    expect(brokenLinks(dir, 'README.md')).toEqual([
      { file: 'README.md', line: 3, target: 'docs/missing.md', reason: 'no such file' },
      { file: 'README.md', line: 4, target: 'docs/other.md#install', reason: 'no heading with the anchor #install' },
      { file: 'README.md', line: 5, target: '#nowhere', reason: 'no heading with the anchor #nowhere' },
      { file: 'README.md', line: 10, target: 'docs/also-missing.md', reason: 'no such file' },
    ]);
  });
});
