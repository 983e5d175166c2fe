import fc from 'fast-check';

/**
 * fast-check arbitraries from the OpenAPI document's JSON Schemas: values that satisfy a schema
 * (so requests get past the edge and reach the use cases) and values that break it on purpose
 * (so the edge is exercised too). Covers the keywords the generated document uses: $ref, type
 * (also as a list), enum, const, anyOf/oneOf, properties/required/additionalProperties, items,
 * string and number bounds, and the date-time and email formats.
 */
export type JsonSchema = Record<string, unknown>;

const MAX_DEPTH = 6;

export class SchemaArbitraries {
  constructor(private readonly components: Record<string, JsonSchema>) {}

  /** Values meant to be valid against `schema`. */
  valid(schema: JsonSchema | boolean, depth = 0): fc.Arbitrary<unknown> {
    // Boolean schemas: `true` takes anything, `false` nothing (never generated as a property).
    if (typeof schema === 'boolean') return fc.jsonValue({ maxDepth: 1 });
    const resolved = this.resolve(schema);
    if (depth > MAX_DEPTH) return fc.constant(null);
    if ('const' in resolved) return fc.constant(resolved.const);
    if (Array.isArray(resolved.enum)) return fc.constantFrom(...(resolved.enum as unknown[]));
    const union = (resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined;
    if (union) return fc.oneof(...union.map((member) => this.valid(member, depth + 1)));
    const type = resolved.type;
    if (Array.isArray(type)) {
      return fc.oneof(...type.map((t) => this.valid({ ...resolved, type: t }, depth + 1)));
    }
    switch (type) {
      case 'object':
        return this.object(resolved, depth);
      case 'array': {
        const items = (resolved.items as JsonSchema | undefined) ?? {};
        return fc.array(this.valid(items, depth + 1), {
          minLength: (resolved.minItems as number | undefined) ?? 0,
          maxLength: Math.min((resolved.maxItems as number | undefined) ?? 4, 4),
        });
      }
      case 'string':
        return this.string(resolved);
      case 'integer':
      case 'number':
        return this.number(resolved, type === 'integer');
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  /** Mostly-valid values with one fault injected somewhere, or anything JSON at all. */
  hostile(schema: JsonSchema): fc.Arbitrary<unknown> {
    return fc.oneof(
      { weight: 3, arbitrary: this.valid(schema) },
      { weight: 2, arbitrary: this.valid(schema).chain((value) => mutate(value)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    );
  }

  private resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
      const name = current.$ref.split('/').pop()!;
      const target = this.components[name];
      if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
      current = target;
    }
    if (Array.isArray(current.allOf)) {
      return Object.assign({}, ...current.allOf.map((part) => this.resolve(part as JsonSchema)));
    }
    return current;
  }

  private object(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = (schema.required ?? []) as string[];
    const allowed = Object.entries(properties).filter(([, property]) => (property as unknown) !== false);
    const shape = Object.fromEntries(
      allowed.map(([name, property]) => [name, this.valid(property, depth + 1)]),
    );
    return fc.record(shape, {
      requiredKeys: required.filter((name) => name in properties),
    });
  }

  private string(schema: JsonSchema): fc.Arbitrary<string> {
    const min = (schema.minLength as number | undefined) ?? 0;
    const max = Math.min((schema.maxLength as number | undefined) ?? 40, Math.max(min, 40));
    switch (schema.format) {
      case 'date-time':
        return fc
          .date({
            min: new Date('2020-01-01T00:00:00Z'),
            max: new Date('2030-01-01T00:00:00Z'),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString());
      case 'email':
        return fc.constantFrom('alice@example.com', 'bob@example.org', 'x.y+z@sub.example.net');
    }
    if (typeof schema.pattern === 'string')
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length >= min && s.length <= Math.max(max, min));
    return fc
      .string({ minLength: min, maxLength: max, unit: 'grapheme' })
      .filter((s) => s.trim().length >= Math.min(min, 1));
  }

  private number(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
    const min =
      (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined) ?? -1000;
    const max =
      (schema.maximum as number | undefined) ?? (schema.exclusiveMaximum as number | undefined) ?? 1000;
    const lo = Math.max(min, -1e6);
    const hi = Math.min(max, 1e6);
    return integer
      ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
      : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  }
}

/** One fault: a field dropped, retyped or added, a string blown up or given control characters. */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  const faults: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(null, 0, -1, 1e308, '', ' ', [], {}, true, 'x'.repeat(70_000)),
  ];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    faults.push(
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })).map(([k, v]) => ({
        ...record,
        [k]: v,
      })),
    );
    if (keys.length > 0) {
      faults.push(
        fc.constantFrom(...keys).chain((key) =>
          fc
            .oneof(
              fc.constant(undefined),
              fc.jsonValue({ maxDepth: 1 }),
              fc.constantFrom(
                'Printer\r\nBcc: attacker@evil.example',
                '\u0000',
                '2026-02-30T00:00:00.000Z',
                -1,
                1e308,
              ),
              mutate(record[key]),
            )
            .map((v) => {
              const copy = { ...record };
              if (v === undefined) delete copy[key];
              else copy[key] = v;
              return copy;
            }),
        ),
      );
    }
  }
  if (Array.isArray(value)) {
    faults.push(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 120 }));
  }
  return fc.oneof(...faults);
}
