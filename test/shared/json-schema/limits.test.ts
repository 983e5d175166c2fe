import { describe, expect, it } from 'vitest';
import {
  checkSchemaLimits,
  DRAFT_2020_12,
  MAX_SCHEMA_BYTES,
} from '../../../functions/shared/json-schema/limits.js';

/**
 * Spec §12 "Schema limits": each rule has a case the checker would let through without it, and
 * every fault is reported at its dotted path under the caller's base path.
 */
const BASE = 'formSchema';

/** An object schema with one string property `model` carrying `extra`. */
const withModel = (extra: Record<string, unknown>) => ({
  type: 'object',
  properties: { model: { type: 'string', ...extra } },
});

/** `levels` schema levels: the root, then `properties.n` nested inside it `levels - 1` times. */
function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 1; level < levels; level++) schema = { type: 'object', properties: { n: schema } };
  return schema;
}

/** A realistic CMDB class schema with 50 typed fields. */
function fiftyFields(): Record<string, unknown> {
  const kinds = [
    { type: 'string', minLength: 1, maxLength: 120, pattern: '^[A-Za-z0-9 ._-]+$' },
    { type: 'integer', minimum: 0, maximum: 1024 },
    { type: 'string', format: 'date-time' },
    { type: 'string', enum: ['prod', 'staging', 'dev'] },
    { type: 'array', items: { type: 'string', format: 'uri' }, maxItems: 10, uniqueItems: true },
  ];
  const properties = Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`field${i}`, { title: `Field ${i}`, ...kinds[i % kinds.length] }]),
  );
  return {
    $schema: DRAFT_2020_12,
    type: 'object',
    properties: { ...properties, owner: { $ref: '#/$defs/person' } },
    required: ['field0', 'field1'],
    additionalProperties: false,
    dependentRequired: { field2: ['field3'] },
    if: { properties: { field3: { const: 'prod' } } },
    // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword.
    then: { required: ['owner'] },
    $defs: {
      person: {
        type: 'object',
        properties: { email: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' } },
        oneOf: [{ required: ['email'] }, { required: ['id'] }],
      },
    },
  };
}

describe('checkSchemaLimits', () => {
  it('accepts a valid 50-field schema using every allowed construct', () => {
    expect(checkSchemaLimits(fiftyFields(), BASE, { rootType: 'object' })).toEqual([]);
  });

  describe('$ref', () => {
    it('refuses a remote reference', () => {
      const schema = withModel({ $ref: 'https://example.com/schemas/model.json' });
      expect(checkSchemaLimits(schema, BASE)).toEqual([
        {
          path: 'formSchema.properties.model.$ref',
          message: 'must be a local reference of the form "#/$defs/<name>"',
        },
      ]);
    });

    it('refuses a local reference outside #/$defs/', () => {
      const schema = {
        type: 'object',
        properties: { x: { type: 'string' }, y: { $ref: '#/properties/x' } },
      };
      expect(checkSchemaLimits(schema, BASE)).toEqual([
        { path: 'formSchema.properties.y.$ref', message: expect.stringContaining('#/$defs/<name>') },
      ]);
    });

    it('refuses a reference to a definition that does not exist', () => {
      const schema = { ...withModel({ $ref: '#/$defs/missing' }), $defs: { present: { type: 'string' } } };
      expect(checkSchemaLimits(schema, BASE)).toEqual([
        { path: 'formSchema.properties.model.$ref', message: expect.stringContaining('names no definition') },
      ]);
    });

    it('accepts a reference to a root definition, also by a percent-encoded name', () => {
      const schema = {
        type: 'object',
        properties: { a: { $ref: '#/$defs/zip' }, b: { $ref: '#/$defs/post%20code' } },
        $defs: { zip: { type: 'string' }, 'post code': { type: 'string' } },
      };
      expect(checkSchemaLimits(schema, BASE)).toEqual([]);
    });
  });

  it('refuses $data, whether as a keyword or in place of a limit', () => {
    const schema = {
      type: 'object',
      properties: {
        low: { type: 'number' },
        high: { type: 'number', minimum: { $data: '1/low' } },
        other: { type: 'number', $data: '1/low' },
      },
    };
    expect(checkSchemaLimits(schema, BASE)).toEqual([
      { path: 'formSchema.properties.high.minimum', message: 'must be a number' },
      { path: 'formSchema.properties.other.$data', message: 'is not a supported keyword' },
    ]);
  });

  it.each([
    'x-widget',
    '$id',
    '$anchor',
    '$dynamicRef',
    'not',
    'patternProperties',
    'prefixItems',
    '$comment',
  ])('refuses the keyword %s', (keyword) => {
    expect(checkSchemaLimits(withModel({ [keyword]: 'x' }), BASE)).toEqual([
      { path: `formSchema.properties.model.${keyword}`, message: 'is not a supported keyword' },
    ]);
  });

  it('refuses keywords that would find Object.prototype instead of a rule, without throwing', () => {
    const schema = JSON.parse('{"type":"object","__proto__":{},"toString":1}');
    expect(checkSchemaLimits(schema, BASE)).toEqual([
      { path: 'formSchema.__proto__', message: 'is not a supported keyword' },
      { path: 'formSchema.toString', message: 'is not a supported keyword' },
    ]);
  });

  it('refuses a schema over 32 KiB, and only says that', () => {
    const schema = { type: 'object', description: 'x'.repeat(33 * 1024), properties: { a: { bogus: 1 } } };
    expect(checkSchemaLimits(schema, BASE)).toEqual([
      { path: 'formSchema', message: expect.stringContaining(`at most ${MAX_SCHEMA_BYTES} bytes`) },
    ]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 11,000 three-byte characters: 33,000 bytes but only 11,000 UTF-16 units.
    expect(checkSchemaLimits({ type: 'string', description: '€'.repeat(11_000) }, BASE)).toHaveLength(1);
  });

  it('accepts 10 schema levels and refuses 11, at the level that crosses the limit', () => {
    expect(checkSchemaLimits(nested(10), BASE)).toEqual([]);
    expect(checkSchemaLimits(nested(11), BASE)).toEqual([
      {
        path: `formSchema${'.properties.n'.repeat(10)}`,
        message: 'nests deeper than 10 schema levels',
      },
    ]);
  });

  it('refuses a literal nested deeper than 10 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 11; i++) deep = [deep];
    expect(checkSchemaLimits(withModel({ const: deep }), BASE)).toEqual([
      { path: 'formSchema.properties.model.const', message: 'nests deeper than 10 levels' },
    ]);
  });

  describe('pattern', () => {
    it('refuses a catastrophic pattern', () => {
      expect(checkSchemaLimits(withModel({ pattern: '(a+)+$' }), BASE)).toEqual([
        { path: 'formSchema.properties.model.pattern', message: expect.stringContaining('exponential time') },
      ]);
    });

    it('accepts 256 characters and refuses 257', () => {
      expect(checkSchemaLimits(withModel({ pattern: 'a'.repeat(256) }), BASE)).toEqual([]);
      expect(checkSchemaLimits(withModel({ pattern: 'a'.repeat(257) }), BASE)).toEqual([
        { path: 'formSchema.properties.model.pattern', message: 'must be at most 256 characters' },
      ]);
    });

    it.each(['([a-z]', '\\-'])('refuses %s, which does not compile with the u flag', (pattern) => {
      // `\-` compiles without the u flag: this case fails if the check drops the flag Ajv uses.
      expect(checkSchemaLimits(withModel({ pattern }), BASE)).toEqual([
        {
          path: 'formSchema.properties.model.pattern',
          message: expect.stringContaining('is not a valid regular expression'),
        },
      ]);
    });

    it('accepts Unicode property escapes', () => {
      expect(checkSchemaLimits(withModel({ pattern: '^\\p{L}[\\p{L} ]*$' }), BASE)).toEqual([]);
    });
  });

  it.each(['hostname', 'ipv4', 'regex', 'time'])('refuses the format %s', (format) => {
    expect(checkSchemaLimits(withModel({ format }), BASE)).toEqual([
      {
        path: 'formSchema.properties.model.format',
        message: 'must be one of date, date-time, email, uri, uuid',
      },
    ]);
  });

  it.each(['date', 'date-time', 'email', 'uri', 'uuid'])('accepts the format %s', (format) => {
    expect(checkSchemaLimits(withModel({ format }), BASE)).toEqual([]);
  });

  describe('root-only keywords', () => {
    it('accepts $schema only as draft 2020-12', () => {
      expect(checkSchemaLimits({ $schema: DRAFT_2020_12, type: 'object' }, BASE)).toEqual([]);
      expect(checkSchemaLimits({ $schema: 'http://json-schema.org/draft-07/schema#' }, BASE)).toEqual([
        { path: 'formSchema.$schema', message: expect.stringContaining(DRAFT_2020_12) },
      ]);
    });

    it('refuses $schema and $defs below the root', () => {
      const schema = withModel({ $schema: DRAFT_2020_12, $defs: { a: { type: 'string' } } });
      expect(checkSchemaLimits(schema, BASE)).toEqual([
        { path: 'formSchema.properties.model.$schema', message: 'is allowed only at the schema root' },
        { path: 'formSchema.properties.model.$defs', message: 'is allowed only at the schema root' },
      ]);
    });
  });

  describe('root', () => {
    it('must be a schema object', () => {
      expect(checkSchemaLimits(true, BASE)).toEqual([
        { path: 'formSchema', message: 'must be a JSON Schema object' },
      ]);
      expect(checkSchemaLimits([], 'attributesSchema')).toEqual([
        { path: 'attributesSchema', message: 'must be a JSON Schema object' },
      ]);
    });

    it('must declare type "object" when the caller asks for it', () => {
      expect(checkSchemaLimits({ type: 'array' }, BASE, { rootType: 'object' })).toEqual([
        { path: 'formSchema.type', message: 'must be "object"' },
      ]);
      expect(checkSchemaLimits({ type: 'array' }, BASE)).toEqual([]);
    });
  });

  it('checks keyword values and reports every fault', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'text', minLength: -1 },
        b: { type: 'number', multipleOf: 0 },
        c: { type: 'array', items: 5, uniqueItems: 'yes' },
      },
      required: ['a', 'a'],
      oneOf: [],
    };
    expect(checkSchemaLimits(schema, BASE)).toEqual([
      { path: 'formSchema.properties.a.type', message: expect.stringContaining('must be one of string') },
      { path: 'formSchema.properties.a.minLength', message: 'must be a non-negative integer' },
      { path: 'formSchema.properties.b.multipleOf', message: 'must be a number above 0' },
      { path: 'formSchema.properties.c.items', message: 'must be a JSON Schema (an object or a boolean)' },
      { path: 'formSchema.properties.c.uniqueItems', message: 'must be a boolean' },
      { path: 'formSchema.required', message: 'must not repeat a property name' },
      { path: 'formSchema.oneOf', message: 'must be a non-empty array of schemas' },
    ]);
  });

  it('omits the leading dot when the base path is empty', () => {
    expect(checkSchemaLimits({ bogus: 1 }, '')).toEqual([
      { path: 'bogus', message: 'is not a supported keyword' },
    ]);
  });
});
