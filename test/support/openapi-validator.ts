/**
 * Checks a response against the OpenAPI document that the Worker serves: the
 * operation must declare the status and media type, and the body must match
 * the JSON Schema subset our document uses. A response the document does not
 * describe is an error.
 */
type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

export function responseErrors(
  doc: Doc,
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string[] {
  const template = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  if (!template) return [`no path in the document matches ${path}`];
  const operation = doc.paths[template]![method.toLowerCase()];
  if (!operation) return [`${method} ${template} is not in the document`];
  const response = operation.responses?.[String(status)];
  if (!response) return [`${method} ${template} does not declare status ${status}`];
  if (!response.content) return body === null || body === '' ? [] : [`status ${status} declares no body but got one`];
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  const media = response.content[mediaType];
  if (!media) return [`status ${status} does not declare ${mediaType || 'an empty content type'}`];
  return validate(doc, media.schema, body, '$');
}

function resolve(doc: Doc, schema: Schema): Schema {
  while (schema?.$ref) schema = doc.components!.schemas![schema.$ref.replace('#/components/schemas/', '')]!;
  return schema;
}

const typeOf = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

export function validate(doc: Doc, raw: Schema, value: unknown, at: string): string[] {
  const schema = resolve(doc, raw);
  if (!schema || Object.keys(schema).length === 0) return [];
  if (schema.anyOf)
    return schema.anyOf.some((s: Schema) => validate(doc, s, value, at).length === 0)
      ? []
      : [`${at}: matches none of anyOf`];
  if (schema.oneOf)
    return schema.oneOf.filter((s: Schema) => validate(doc, s, value, at).length === 0).length === 1
      ? []
      : [`${at}: must match exactly one of oneOf`];
  const errors: string[] = [];
  const types: string[] = [schema.type ?? []].flat();
  if (schema.nullable) types.push('null');
  const actual = typeOf(value);
  if (types.length && !types.some((t) => t === actual || (t === 'number' && actual === 'integer')))
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if ('const' in schema && schema.const !== value) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above maximum`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength)
      errors.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength)
      errors.push(`${at}: longer than ${schema.maxLength}`);
    if (
      schema.format === 'date-time' &&
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    )
      errors.push(`${at}: not an RFC 3339 date-time`);
  }
  if (actual === 'array' && schema.items)
    (value as unknown[]).forEach((item, i) => errors.push(...validate(doc, schema.items, item, `${at}[${i}]`)));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${at}.${key}: required`);
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...validate(doc, property, item, `${at}.${key}`));
      else if (schema.properties) errors.push(`${at}.${key}: not described by the document`);
    }
  }
  return errors;
}
