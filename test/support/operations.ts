import committed from '../../openapi.json';
import { exampleBody } from './resource-examples.ts';

/**
 * The API's OpenAPI document as clients get it: the committed openapi.json, which the asset layer serves
 * at /openapi.json (the workers test pool serves no static assets, so tests read the file).
 */
export const apiDocument = committed as unknown as Parameters<typeof operationsOf>[0] & Record<string, any>;

/** One operation of an OpenAPI document, as a request a test can send without knowing the route. */
export interface Operation {
  method: string;
  /** The path with each `{param}` filled in (`1`, an id that may or may not exist). */
  path: string;
  /** A body of the operation's first media type, when it takes one: its resource's example (RESOURCE_EXAMPLES). */
  body?: string;
  contentType?: string;
  /** Whether the document says the operation needs credentials. */
  secured: boolean;
  /** The path as the document writes it, e.g. `/todos/{id}`. */
  template: string;
  /** Names of the parameters it declares, by where they go (`path`, `query`, `header`), lower-cased for headers. */
  parameters: Record<string, string[]>;
  /** Every media type it answers a success (2xx) with. */
  successTypes: string[];
  /** Every media type its request body may have. */
  bodyTypes: string[];
  /** Its first OpenAPI tag: the resource it belongs to (RESOURCE_EXAMPLES is keyed by it). */
  tag: string | undefined;
}

/** Every operation the document describes, so a test covers routes added later without edits. */
export function operationsOf(document: {
  paths: Record<string, Record<string, any>>;
  security?: unknown[];
}): Operation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => {
        const contentType = Object.keys(operation.requestBody?.content ?? {})[0];
        const tag = (operation.tags as string[] | undefined)?.[0];
        const name = { method: method.toUpperCase(), template, tag };
        const security = (operation.security ?? document.security ?? []) as unknown[];
        const parameters: Record<string, string[]> = {};
        for (const p of (operation.parameters ?? []) as { in: string; name: string }[]) {
          (parameters[p.in] ??= []).push(p.in === 'header' ? p.name.toLowerCase() : p.name);
        }
        const successTypes = Object.entries(
          (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>,
        )
          .filter(([status]) => status.startsWith('2'))
          .flatMap(([, response]) => Object.keys(response.content ?? {}));
        return {
          method: method.toUpperCase(),
          // A well-formed id no row has: an id that is not a UUID would be answered before the database is asked.
          path: template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
          ...(contentType ? { contentType, body: exampleBody(name, contentType, 'x') } : {}),
          secured: security.some((requirement) => Object.keys(requirement as object).length > 0),
          template,
          parameters,
          successTypes: [...new Set(successTypes)],
          bodyTypes: Object.keys(operation.requestBody?.content ?? {}),
          tag,
        };
      }),
  );
}
