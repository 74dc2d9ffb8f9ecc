import { readFileSync } from 'node:fs';
import type { BenchCase, CaseContext } from './cases.ts';
import { NIL_UUID } from '../../src/lib/uuid.ts';

/**
 * Operations of the document that no round-trip case sends, each with the reason: every other operation
 * needs a case asserting its round trips per request, so a route added later is measured or named here.
 */
export const EXEMPT_OPERATIONS: Record<string, string> = {
  'POST /todos/import':
    'the import CLI sends it in chunks of thousands of rows: the import case (dev/bench/import.ts) judges rows per second',
};

interface Document {
  paths: Record<string, Record<string, unknown>>;
}

/** The committed openapi.json: the document the Worker serves. */
export const servedDocument = (): Document =>
  JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as Document;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of `document`, as `METHOD /template`. */
export const operationNames = (document: Document): string[] =>
  Object.entries(document.paths).flatMap(([template, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${template}`),
  );

/** Enough of a context to build each case's request without a stack: the ids and the token are placeholders. */
const PLACEHOLDERS: CaseContext = {
  ids: [NIL_UUID],
  listId: NIL_UUID,
  lists: [NIL_UUID],
  movable: [NIL_UUID],
  bearer: 'bench',
  takeDeletable: () => NIL_UUID,
};

/** The operation of `document` that `benchCase`'s request is, literal paths before templated ones; undefined when none. */
export function operationOfCase(document: Document, benchCase: BenchCase): string | undefined {
  const spec = benchCase.request(PLACEHOLDERS);
  const { method, path } = spec.setupRequest ? spec.setupRequest(spec) : spec;
  const pathname = path.split('?')[0]!;
  const templates = Object.keys(document.paths).sort(
    (a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0),
  );
  const template = templates.find((t) =>
    new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`).test(pathname),
  );
  const name = template && `${method} ${template}`;
  return name && operationNames(document).includes(name) ? name : undefined;
}

/**
 * What keeps the round-trip cases and the document in step: operations with neither a case of the deployed
 * Worker that asserts its round trips nor an exemption, cases of the deployed Worker that send no operation
 * of the document (the floor excepted), and exemptions of operations the document no longer has.
 */
export function coverageProblems(document: Document, cases: BenchCase[]): string[] {
  const measured = cases.filter((c) => !c.floor && !c.control);
  const covered = new Set(measured.filter((c) => c.expectedRoundTrips > 0).map((c) => operationOfCase(document, c)));
  const operations = operationNames(document);
  return [
    ...operations
      .filter((name) => !covered.has(name) && !(name in EXEMPT_OPERATIONS))
      .map(
        (name) =>
          `${name} has no bench case asserting its round trips (dev/bench/cases.ts) and no exemption (EXEMPT_OPERATIONS)`,
      ),
    ...measured
      .filter((c) => operationOfCase(document, c) === undefined)
      .map((c) => `case ${c.name} sends no operation of openapi.json`),
    ...Object.keys(EXEMPT_OPERATIONS)
      .filter((name) => !operations.includes(name))
      .map((name) => `exemption ${name} names no operation of openapi.json`),
  ];
}
