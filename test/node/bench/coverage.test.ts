import { describe, expect, it } from 'vitest';
import { CASES } from '../../../dev/bench/cases.ts';
import { coverageProblems, operationOfCase, servedDocument } from '../../../dev/bench/coverage.ts';

const document = servedDocument();

describe("the bench's round-trip cases", () => {
  it('cover every operation of openapi.json, or name why not', () => {
    expect(coverageProblems(document, CASES)).toEqual([]);
  });

  it('name an operation a case no longer sends', () => {
    const withoutChanges = CASES.filter((c) => operationOfCase(document, c) !== 'GET /todos/changes');
    expect(coverageProblems(document, withoutChanges)).toEqual([
      'GET /todos/changes has no bench case asserting its round trips (dev/bench/cases.ts) and no exemption (EXEMPT_OPERATIONS)',
    ]);
  });

  it('name an operation the document gains', () => {
    const grown = { paths: { ...document.paths, '/labels': { get: {} } } };
    expect(coverageProblems(grown, CASES)).toEqual([
      'GET /labels has no bench case asserting its round trips (dev/bench/cases.ts) and no exemption (EXEMPT_OPERATIONS)',
    ]);
  });

  it('tell a literal path from a templated one', () => {
    const byName = Object.fromEntries(CASES.map((c) => [c.name, operationOfCase(document, c)]));
    expect(byName).toMatchObject({ changes: 'GET /todos/changes', get: 'GET /todos/{id}', 'list-done': 'GET /todos' });
  });
});
