import type { FieldError } from '../errors.js';
import { joinPath, pointerSegments } from './paths.js';
import { patternProblem } from './safe-pattern.js';

/**
 * The limits every user-supplied JSON Schema must meet (spec §12 "Schema limits"): CMDB class
 * `attributesSchema`, catalog `formSchema`, `approval.requiredWhen`. Checked before Ajv sees the
 * schema, so that each fault is reported at its own dotted path (`formSchema.properties.model.pattern`)
 * and so that Ajv is never asked to fetch, evaluate `$data`, or run an unknown keyword.
 */

export const MAX_SCHEMA_BYTES = 32 * 1024;
/** Schema levels, the root being level 1; `properties.x`, `items`, `oneOf.0`, `$defs.x`... each add one. */
export const MAX_SCHEMA_DEPTH = 10;
export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
export const ALLOWED_FORMATS: readonly string[] = ['date', 'date-time', 'email', 'uri', 'uuid'];
const JSON_TYPES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

export interface SchemaLimitOptions {
  /** Require the root to declare `type: "object"` (catalog forms, CI attributes). */
  readonly rootType?: 'object';
}

interface Walk {
  readonly issues: FieldError[];
  /** Names under the root `$defs`: the only targets a `$ref` may name. */
  readonly defs: ReadonlySet<string>;
}

/** Checks one keyword's value found in the schema object at `depth`; `at` is the keyword's own path. */
type KeywordRule = (value: unknown, at: string, walk: Walk, depth: number) => void;

/** Every issue the schema has against the limits; empty when it may be compiled. */
export function checkSchemaLimits(
  schema: unknown,
  basePath: string,
  options: SchemaLimitOptions = {},
): FieldError[] {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(schema) ?? '', 'utf8');
  } catch {
    return [{ path: basePath, message: 'must be JSON' }];
  }
  // Oversize: say so alone rather than walk (and list faults of) something that is refused anyway.
  if (bytes > MAX_SCHEMA_BYTES) {
    return [{ path: basePath, message: `must be at most ${MAX_SCHEMA_BYTES} bytes as JSON (is ${bytes})` }];
  }
  if (!isPlainObject(schema)) return [{ path: basePath, message: 'must be a JSON Schema object' }];

  const defs = isPlainObject(schema.$defs) ? Object.keys(schema.$defs) : [];
  const walk: Walk = { issues: [], defs: new Set(defs) };
  if (options.rootType === 'object' && schema.type !== 'object') {
    walk.issues.push({ path: joinPath(basePath, 'type'), message: 'must be "object"' });
  }
  walkSchema(schema, basePath, walk, 1, true);
  return walk.issues;
}

function walkSchema(node: unknown, at: string, walk: Walk, depth: number, root = false): void {
  // `true`/`false` are schemas too: `additionalProperties: false` is the common one.
  if (typeof node === 'boolean') return;
  if (!isPlainObject(node)) {
    walk.issues.push({ path: at, message: 'must be a JSON Schema (an object or a boolean)' });
    return;
  }
  if (depth > MAX_SCHEMA_DEPTH) {
    // Reported once, where the limit is crossed; nothing below it is walked.
    walk.issues.push({ path: at, message: `nests deeper than ${MAX_SCHEMA_DEPTH} schema levels` });
    return;
  }
  for (const [keyword, value] of Object.entries(node)) {
    const path = joinPath(at, keyword);
    const rule = (root ? ruleIn(ROOT_ONLY_RULES, keyword) : undefined) ?? ruleIn(RULES, keyword);
    if (rule) rule(value, path, walk, depth);
    else if (ruleIn(ROOT_ONLY_RULES, keyword)) fail(walk, path, 'is allowed only at the schema root');
    else fail(walk, path, 'is not a supported keyword');
  }
}

const fail = (walk: Walk, path: string, message: string) => walk.issues.push({ path, message });

const subschema: KeywordRule = (value, at, walk, depth) => walkSchema(value, at, walk, depth + 1);

const subschemaMap: KeywordRule = (value, at, walk, depth) => {
  if (!isPlainObject(value)) return void fail(walk, at, 'must be an object of schemas');
  for (const [name, child] of Object.entries(value)) walkSchema(child, joinPath(at, name), walk, depth + 1);
};

const subschemaList: KeywordRule = (value, at, walk, depth) => {
  if (!Array.isArray(value) || value.length === 0)
    return void fail(walk, at, 'must be a non-empty array of schemas');
  for (const [index, child] of value.entries()) walkSchema(child, joinPath(at, index), walk, depth + 1);
};

const nonNegativeInteger: KeywordRule = (value, at, walk) => {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(walk, at, 'must be a non-negative integer');
};

// A `{ "$data": ... }` pointer lands here (and is refused): limits are literal numbers only.
const finiteNumber: KeywordRule = (value, at, walk) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(walk, at, 'must be a number');
};

const text: KeywordRule = (value, at, walk) => {
  if (typeof value !== 'string') fail(walk, at, 'must be a string');
};

/** `const`, `enum` members, `default`, `examples`: any JSON, but nested no deeper than schemas may be. */
const literal: KeywordRule = (value, at, walk) => {
  if (nestsDeeperThan(value, MAX_SCHEMA_DEPTH))
    fail(walk, at, `nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
};

const uniqueStrings = (value: unknown, at: string, walk: Walk, what: string) => {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    return void fail(walk, at, `must be an array of ${what}`);
  }
  if (new Set(value).size !== value.length) fail(walk, at, `must not repeat a ${what.replace(/s$/, '')}`);
};

const RULES: Record<string, KeywordRule> = {
  type: (value, at, walk) => {
    const types = Array.isArray(value) ? value : [value];
    if (types.length === 0 || types.some((type) => typeof type !== 'string' || !JSON_TYPES.includes(type))) {
      return void fail(walk, at, `must be one of ${JSON_TYPES.join(', ')}, or a non-empty array of them`);
    }
    if (new Set(types).size !== types.length) fail(walk, at, 'must not repeat a type');
  },
  properties: subschemaMap,
  required: (value, at, walk) => uniqueStrings(value, at, walk, 'property names'),
  additionalProperties: subschema,
  enum: (value, at, walk, depth) => {
    if (!Array.isArray(value) || value.length === 0) return void fail(walk, at, 'must be a non-empty array');
    for (const [index, member] of value.entries()) literal(member, joinPath(at, index), walk, depth);
  },
  const: literal,
  minLength: nonNegativeInteger,
  maxLength: nonNegativeInteger,
  pattern: (value, at, walk) => {
    if (typeof value !== 'string') return void fail(walk, at, 'must be a string');
    const problem = patternProblem(value);
    if (problem) fail(walk, at, problem);
  },
  format: (value, at, walk) => {
    if (typeof value !== 'string' || !ALLOWED_FORMATS.includes(value)) {
      fail(walk, at, `must be one of ${ALLOWED_FORMATS.join(', ')}`);
    }
  },
  minimum: finiteNumber,
  maximum: finiteNumber,
  exclusiveMinimum: finiteNumber,
  exclusiveMaximum: finiteNumber,
  multipleOf: (value, at, walk) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      fail(walk, at, 'must be a number above 0');
  },
  items: subschema,
  minItems: nonNegativeInteger,
  maxItems: nonNegativeInteger,
  uniqueItems: (value, at, walk) => {
    if (typeof value !== 'boolean') fail(walk, at, 'must be a boolean');
  },
  oneOf: subschemaList,
  anyOf: subschemaList,
  allOf: subschemaList,
  if: subschema,
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword this rule checks.
  then: subschema,
  else: subschema,
  dependentRequired: (value, at, walk) => {
    if (!isPlainObject(value)) return void fail(walk, at, 'must be an object of property-name arrays');
    for (const [name, names] of Object.entries(value))
      uniqueStrings(names, joinPath(at, name), walk, 'property names');
  },
  // Only `#/$defs/<name>` naming an existing definition: no remote, relative or other local refs,
  // so compiling never fetches and every ref resolves.
  $ref: (value, at, walk) => {
    if (typeof value !== 'string' || !value.startsWith('#/$defs/')) {
      return void fail(walk, at, 'must be a local reference of the form "#/$defs/<name>"');
    }
    const segments = pointerSegments(value);
    if (segments.length !== 2 || !walk.defs.has(segments[1]!)) {
      fail(walk, at, `names no definition under the root $defs: ${value}`);
    }
  },
  title: text,
  description: text,
  default: literal,
  examples: (value, at, walk, depth) => {
    if (!Array.isArray(value)) return void fail(walk, at, 'must be an array');
    for (const [index, example] of value.entries()) literal(example, joinPath(at, index), walk, depth);
  },
};

/** Keywords that mean something only at the root: definitions for `#/$defs/` refs, and the dialect. */
const ROOT_ONLY_RULES: Record<string, KeywordRule> = {
  $defs: subschemaMap,
  $schema: (value, at, walk) => {
    if (value !== DRAFT_2020_12) fail(walk, at, `must be "${DRAFT_2020_12}" when present`);
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own rules only: a keyword such as `__proto__` or `toString` must not find Object.prototype's. */
function ruleIn(table: Record<string, KeywordRule>, keyword: string): KeywordRule | undefined {
  return Object.hasOwn(table, keyword) ? table[keyword] : undefined;
}

/** Whether a JSON value nests more than `limit` arrays/objects deep; recurses at most `limit + 1` levels. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => nestsDeeperThan(child, limit - 1));
}
