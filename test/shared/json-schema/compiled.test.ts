import { describe, expect, it } from 'vitest';
import { SchemaValidators } from '../../../functions/shared/json-schema/compiled.js';

/**
 * Compiling user schemas with Ajv and validating values against them: every error reported at the
 * API's dotted path, and compiled validators reused per cache key.
 */
const ORDER_FORM = {
  type: 'object',
  properties: {
    model: { type: 'string', pattern: '^[A-Z]{2}-\\d{3}$' },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { type: 'string' } },
    address: {
      type: 'object',
      properties: { street: { type: 'string' }, zip: { type: 'string' } },
      required: ['street'],
    },
  },
  required: ['model', 'address'],
  additionalProperties: false,
};

describe('SchemaValidators.validate', () => {
  it('accepts a valid value', () => {
    const validators = new SchemaValidators();
    const value = { model: 'AB-123', email: 'a@example.com', address: { street: 'Main St', zip: '12345' } };
    expect(validators.validate('order#1', ORDER_FORM, value, 'form')).toEqual([]);
  });

  it('reports every error at its dotted path: missing, unknown, and nested wrong type', () => {
    const validators = new SchemaValidators();
    const value = { colour: 'red', tags: ['a', 7], email: 'nope', address: { zip: 12345 } };
    const issues = validators.validate('order#1', ORDER_FORM, value, 'form');
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'form.model', message: 'is required' },
        { path: 'form.colour', message: 'is not a known field' },
        { path: 'form.address.street', message: 'is required' },
        { path: 'form.address.zip', message: 'must be string' },
        { path: 'form.tags.1', message: 'must be string' },
        { path: 'form.email', message: 'must match format "email"' },
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it('reports a pattern mismatch and a wrong root type at the base path', () => {
    const validators = new SchemaValidators();
    expect(
      validators.validate('order#1', ORDER_FORM, { model: 'x', address: { street: 's' } }, 'form'),
    ).toEqual([{ path: 'form.model', message: 'must match pattern "^[A-Z]{2}-\\d{3}$"' }]);
    expect(validators.validate('order#1', ORDER_FORM, [], 'form')).toEqual([
      { path: 'form', message: 'must be object' },
    ]);
  });

  it('reports a dependentRequired miss at the missing property', () => {
    const validators = new SchemaValidators();
    const schema = {
      type: 'object',
      properties: { country: { type: 'string' }, zip: { type: 'string' } },
      dependentRequired: { country: ['zip'] },
    };
    expect(validators.validate('ci#1', schema, { country: 'NL' }, 'attributes')).toEqual([
      { path: 'attributes.zip', message: 'is required when country is present' },
    ]);
  });

  it('reports an error found twice only once', () => {
    const validators = new SchemaValidators();
    const schema = { type: 'object', allOf: [{ required: ['cpu'] }, { required: ['cpu'] }] };
    expect(validators.validate('ci#1', schema, {}, 'attributes')).toEqual([
      { path: 'attributes.cpu', message: 'is required' },
    ]);
  });

  it('follows #/$defs/ references', () => {
    const validators = new SchemaValidators();
    const schema = {
      type: 'object',
      properties: { home: { $ref: '#/$defs/address' }, work: { $ref: '#/$defs/address' } },
      $defs: { address: { type: 'object', properties: { zip: { type: 'string' } }, required: ['zip'] } },
    };
    expect(validators.validate('ci#1', schema, { home: {}, work: { zip: 1 } }, 'attributes')).toEqual([
      { path: 'attributes.home.zip', message: 'is required' },
      { path: 'attributes.work.zip', message: 'must be string' },
    ]);
  });
});

describe('SchemaValidators cache', () => {
  const v1 = { type: 'object', properties: { cpu: { type: 'integer' } } };
  const v2 = { type: 'object', properties: { cpu: { type: 'string' } } };

  it('reuses the compiled validator for a key and compiles a new version under its own key', () => {
    const validators = new SchemaValidators();
    const first = validators.validatorFor('server#1', v1);
    expect(validators.validatorFor('server#1', structuredClone(v1))).toBe(first);
    const next = validators.validatorFor('server#2', v2);
    expect(next).not.toBe(first);
    expect(validators.validate('server#2', v2, { cpu: 4 }, 'attributes')).toEqual([
      { path: 'attributes.cpu', message: 'must be string' },
    ]);
    expect(validators.stats()).toMatchObject({ cached: 2, compiles: 2, cacheHits: 2, validations: 1 });
  });

  it('keeps at most maxEntries validators, dropping the least recently used', () => {
    const validators = new SchemaValidators({ maxEntries: 2 });
    const a = validators.validatorFor('a', { type: 'string' });
    const b = validators.validatorFor('b', { type: 'integer' });
    validators.validatorFor('a', { type: 'string' }); // a is now the most recently used
    validators.validatorFor('c', { type: 'boolean' }); // evicts b
    expect(validators.stats().cached).toBe(2);
    expect(validators.validatorFor('a', { type: 'string' })).toBe(a);
    expect(validators.validatorFor('b', { type: 'integer' })).not.toBe(b);
  });

  it('times compiles and cached validations separately', () => {
    const validators = new SchemaValidators();
    for (let i = 0; i < 5; i++) validators.validate('order#1', ORDER_FORM, { model: 'AB-123' }, 'form');
    const stats = validators.stats();
    expect(stats).toMatchObject({ compiles: 1, cacheHits: 4, validations: 5 });
    expect(stats.compileMs).toBeGreaterThan(0);
    expect(stats.validateMs).toBeGreaterThanOrEqual(0);
  });
});

describe('SchemaValidators.checkSchema', () => {
  it('reports the limits first, at their paths', () => {
    const validators = new SchemaValidators();
    const schema = { type: 'object', properties: { model: { type: 'string', pattern: '(a+)+$' } } };
    expect(validators.checkSchema(schema, 'formSchema')).toEqual([
      { path: 'formSchema.properties.model.pattern', message: expect.stringContaining('exponential time') },
    ]);
  });

  it('reports what Ajv strict mode refuses at the schema location', () => {
    const validators = new SchemaValidators();
    const schema = { type: 'object', properties: { 'serial no': { minLength: 3 } } };
    expect(validators.checkSchema(schema, 'attributesSchema')).toEqual([
      {
        path: 'attributesSchema.properties.serial no',
        message: 'must declare "type": "string" to use "minLength"',
      },
    ]);
  });

  it('accepts required in anyOf and if/then branches, the usual conditional idioms', () => {
    const validators = new SchemaValidators();
    const schema = {
      type: 'object',
      properties: { kind: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
      anyOf: [{ required: ['email'] }, { required: ['phone'] }],
      if: { properties: { kind: { const: 'urgent' } } },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword.
      then: { required: ['phone'] },
    };
    expect(validators.checkSchema(schema, 'formSchema', { rootType: 'object' })).toEqual([]);
  });

  it('accepts a 50-field schema with formats, refs and conditionals, and validates with it', () => {
    const validators = new SchemaValidators();
    const kinds = [
      { type: 'string', maxLength: 120, pattern: '^[A-Za-z0-9 ._-]+$' },
      { type: 'integer', minimum: 0, exclusiveMaximum: 1024, multipleOf: 2 },
      { type: 'string', format: 'date' },
      { type: ['string', 'null'], enum: ['prod', 'dev', null] },
      { type: 'array', items: { $ref: '#/$defs/uri' }, minItems: 1, uniqueItems: true },
    ];
    const properties = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, kinds[i % 5]]));
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties,
      required: ['f0'],
      dependentRequired: { f1: ['f2'] },
      if: { properties: { f3: { const: 'prod' } } },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword.
      then: { required: ['f4'] },
      else: true,
      $defs: { uri: { type: 'string', format: 'uri' } },
    };
    expect(validators.checkSchema(schema, 'attributesSchema', { rootType: 'object' })).toEqual([]);
    const issues = validators.validate('big#1', schema, { f0: 'ok', f1: 3, f4: ['nope'] }, 'attributes');
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'attributes.f1', message: 'must be multiple of 2' },
        { path: 'attributes.f2', message: 'is required when f1 is present' },
        { path: 'attributes.f4.0', message: 'must match format "uri"' },
      ]),
    );
    expect(issues).toHaveLength(3);
    expect(validators.validate('big#1', schema, { f0: 'ok', f3: 'prod' }, 'attributes')).toEqual([
      { path: 'attributes.f4', message: 'is required' },
      { path: 'attributes', message: 'must match "then" schema' },
    ]);
  });

  it('does not cache what it compiles', () => {
    const validators = new SchemaValidators();
    validators.checkSchema(ORDER_FORM, 'formSchema');
    expect(validators.stats().cached).toBe(0);
  });
});
