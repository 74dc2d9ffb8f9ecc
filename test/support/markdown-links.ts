import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A relative link that does not lead anywhere: which file, which line, the target as written, and why. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/** Lines of a markdown text with fenced code blocks blanked, so neither links nor headings are read inside them. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** A line without its inline code spans and HTML comments: a path in backticks is text, not a link. */
function withoutCode(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length)).replace(/<!--.*?-->/g, '');
}

/**
 * GitHub's anchor for a heading: the rendered text lowercased, every character that is not a letter, a digit, a
 * space, `-` or `_` dropped, and each space turned into `-`.
 */
export function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a markdown text offers: its headings' slugs (repeats get -1, -2, ... as on GitHub) and HTML ids. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (heading: string) => {
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  };
  const lines = proseLines(text);
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (atx) add(atx[1]!);
    else if (/^ {0,3}(=+|-+)\s*$/.test(line) && i > 0 && /\S/.test(lines[i - 1]!) && !/^\s*[-*+|]/.test(lines[i - 1]!))
      add(lines[i - 1]!);
    for (const id of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(id[1]!);
  });
  return anchors;
}

/** The link targets of a markdown text, with their line numbers: inline links and images, and reference definitions. */
export function linkTargets(text: string): { line: number; target: string }[] {
  const targets: { line: number; target: string }[] = [];
  proseLines(text).forEach((raw, i) => {
    const line = withoutCode(raw);
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g))
      targets.push({ line: i + 1, target: m[1]!.replace(/^<|>$/g, '') });
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (definition) targets.push({ line: i + 1, target: definition[1]!.replace(/^<|>$/g, '') });
  });
  return targets;
}

/** True for a target that leaves the repository: a scheme (`https:`, `mailto:`) or a protocol-relative `//host`. */
const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/**
 * The relative links of `file` (a markdown file under `root`) that resolve to nothing: a path that does not exist,
 * or an anchor (`path#anchor`, `#anchor`) naming no heading of the markdown file it points at.
 */
export function brokenLinks(root: string, file: string): BrokenLink[] {
  const path = join(root, file);
  const broken: BrokenLink[] = [];
  for (const { line, target } of linkTargets(readFileSync(path, 'utf8'))) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved =
      pathPart === '' ? path : pathPart.startsWith('/') ? join(root, pathPart) : resolve(dirname(path), pathPart);
    if (!existsSync(resolved)) {
      broken.push({ file, line, target, reason: 'no such file' });
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      broken.push({ file, line, target, reason: 'an anchor into a file that is not markdown' });
      continue;
    }
    if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor))
      broken.push({ file, line, target, reason: `no heading with the anchor #${anchor}` });
  }
  return broken;
}
