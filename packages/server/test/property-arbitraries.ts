import fc from 'fast-check';

// Generators for the property tests: values that satisfy a JSON Schema (read from the
// running server's OpenAPI document, so new routes are covered without editing tests), and
// hostile mutations of them.

/** The part of JSON Schema our TypeBox schemas use. */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  $ref?: string;
}

/** Strings that have broken parsers, databases and renderers before. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff',
    'a\u0000b',
    '\u202e\u0644\u0627',
    '👩‍👩‍👧‍👦',
    'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍',
    "'; drop table messages; --",
    '%00%2e%2e%2f',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    '{"$gt":""}',
    '9'.repeat(400),
    '-0',
    'NaN',
  ),
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  nastyString,
);

/** Arrays or objects nested `depth` deep around a value. */
function nest(value: unknown, depth: number, asObject: boolean): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = asObject ? { a: out } : [out];
  return out;
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'uri') return fc.webUrl();
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 200, minLength + 200);
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  return fc.string({ unit: 'grapheme', minLength, maxLength });
}

function objectFor(schema: JsonSchema, doc: { resolve(ref: string): JsonSchema | undefined }, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) model[name] = arbitraryFromSchema(property, doc, depth + 1);
  const record = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
  const extra = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined;
  const open = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : extra;
  if (!open || Object.keys(properties).length > 0) return record;
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), arbitraryFromSchema(open, doc, depth + 1), { maxKeys: 4 });
}

/**
 * Values that satisfy `schema` (mostly: formats like `email` follow fast-check's idea of them).
 * `doc.resolve` follows `$ref`s into the OpenAPI components.
 */
export function arbitraryFromSchema(
  schema: JsonSchema,
  doc: { resolve(ref: string): JsonSchema | undefined },
  depth = 0,
): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.$ref) {
    const target = doc.resolve(schema.$ref);
    return target ? arbitraryFromSchema(target, doc, depth + 1) : fc.jsonValue({ maxDepth: 2 });
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices?.length) return fc.oneof(...choices.map((c) => arbitraryFromSchema(c, doc, depth + 1)));
  if (schema.allOf?.length) return arbitraryFromSchema(schema.allOf[0] as JsonSchema, doc, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: Math.min(schema.maximum ?? 1_000_000_000, Number.MAX_SAFE_INTEGER) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFromSchema(schema.items ?? {}, doc, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, (schema.minItems ?? 0) + 4),
      });
    case 'object':
      return objectFor(schema, doc, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Mutation = (body: Record<string, unknown>, key: string | undefined) => fc.Arbitrary<unknown>;

const mutations: Mutation[] = [
  // a field missing
  (body, key) => fc.constant(key === undefined ? {} : Object.fromEntries(Object.entries(body).filter(([k]) => k !== key))),
  // a field of the wrong type
  (body, key) => wrongType.map((v) => ({ ...body, [key ?? 'x']: v })),
  // a field nobody asked for, including prototype-polluting names (as own JSON properties)
  (body) =>
    fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'type')), wrongType).map(([k, v]) => {
      const rest = JSON.stringify(body).slice(1);
      return JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v)}${rest === '}' ? '' : ','}${rest}`) as unknown;
    }),
  // a huge string, either side of the body limit
  (body, key) => fc.constantFrom(5_000, 17_000, 70_000).map((n) => ({ ...body, [key ?? 'x']: 'x'.repeat(n) })),
  // deep nesting
  (body, key) => fc.tuple(fc.integer({ min: 50, max: 3_000 }), fc.boolean()).map(([d, o]) => ({ ...body, [key ?? 'x']: nest(body[key ?? 'x'] ?? 1, d, o) })),
  // unicode and control characters where text goes
  (body, key) => nastyString.map((v) => ({ ...body, [key ?? 'x']: v })),
  // not an object at all
  () => wrongType,
];

/** One hostile change to a (valid) body: the kind of thing a buggy or malicious client sends. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((body) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return fc.oneof(wrongType, fc.constant(body));
    const record = body as Record<string, unknown>;
    const keys = Object.keys(record);
    const key = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant(undefined);
    return fc.tuple(fc.constantFrom(...mutations), key).chain(([mutation, k]) => mutation(record, k));
  });
}

/** Arbitrary JSON, valid bodies, and mutated valid bodies, in roughly equal parts. */
export function hostileBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(fc.jsonValue({ maxDepth: 4 }), valid, mutated(valid), mutated(valid));
}

/** Raw text sent as application/json: mostly broken JSON, and nesting deep enough to hurt a recursive parser. */
export const rawJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
  fc.integer({ min: 1_000, max: 30_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 1_000, max: 10_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.constantFrom('', 'null', '""', '[]', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '\ufeff{}'),
);
