import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats, { type FormatName } from 'ajv-formats';
import type { FieldError } from '../errors.js';
import { ALLOWED_FORMATS, checkSchemaLimits, type SchemaLimitOptions } from './limits.js';
import { joinPath, pointerSegments } from './paths.js';

export const DEFAULT_MAX_CACHED_VALIDATORS = 500;

export interface SchemaValidatorsOptions {
  /** Compiled validators kept; the least recently used is dropped beyond it. */
  readonly maxEntries?: number;
}

/** Counters for the benchmark: what compiling costs against validating with a cached validator. */
export interface SchemaValidatorStats {
  readonly cached: number;
  readonly compiles: number;
  readonly compileMs: number;
  readonly cacheHits: number;
  readonly validations: number;
  readonly validateMs: number;
}

interface Entry {
  readonly schema: object;
  readonly validate: ValidateFunction;
}

/**
 * Compiles user-supplied JSON Schemas with Ajv (draft 2020-12) and validates values against them,
 * reporting issues in the API's dotted path spelling. One instance per container: compiling costs
 * milliseconds, validating with a compiled function microseconds, so validators are kept per cache
 * key. A key must name one immutable schema, such as `${classId}#${version}`: a cached key is never
 * recompiled, whatever schema is passed with it.
 */
export class SchemaValidators {
  private readonly ajv: Ajv2020;
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private counters = { compiles: 0, compileMs: 0, cacheHits: 0, validations: 0, validateMs: 0 };

  constructor(options: SchemaValidatorsOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_CACHED_VALIDATORS);
    this.ajv = new Ajv2020({
      // strict: unknown keywords, ignored keywords and type-less constraints (`minLength` on a
      // number) fail the compile instead of silently never applying.
      strict: true,
      // ...except strictRequired, which refuses the usual `anyOf: [{required: [a]}, {required: [b]}]`
      // and `if/then: {required: [x]}` idioms because `required` names no sibling `properties`.
      strictRequired: false,
      // The limits allow `type: [...]`; without this strict mode refuses all but `[T, "null"]`.
      allowUnionTypes: true,
      allErrors: true,
      $data: false,
      // No `loadSchema`: a `$ref` Ajv cannot resolve inside the schema fails, it is never fetched.
    });
    addFormats(this.ajv, ALLOWED_FORMATS as FormatName[]);
  }

  /**
   * Every issue a schema has, for the write path (storing a class or catalog item): the limits,
   * then what Ajv itself refuses (meta-schema, strict mode). Compiles without caching.
   */
  checkSchema(schema: unknown, basePath: string, options: SchemaLimitOptions = {}): FieldError[] {
    const issues = checkSchemaLimits(schema, basePath, options);
    if (issues.length > 0) return issues;
    const checked = schema as object;
    try {
      if (!this.ajv.validateSchema(checked)) {
        return dedupe((this.ajv.errors ?? []).map((error) => schemaIssue(error, basePath)));
      }
      this.ajv.compile(checked);
      return [];
    } catch (error) {
      return [compileIssue(error as Error, basePath)];
    } finally {
      // Ajv keeps every schema it compiled; a trial compile must not grow it.
      this.ajv.removeSchema(checked);
    }
  }

  /**
   * The compiled validator for `cacheKey`, compiling `schema` on a miss. Throws only when the
   * schema does not compile, which `checkSchema` on the write path rules out: a stored schema
   * that fails here is a server fault, not the caller's.
   */
  validatorFor(cacheKey: string, schema: object): ValidateFunction {
    const cached = this.entries.get(cacheKey);
    if (cached) {
      this.counters.cacheHits++;
      // Re-insert: Map iteration order is insertion order, so the first key is the least recently used.
      this.entries.delete(cacheKey);
      this.entries.set(cacheKey, cached);
      return cached.validate;
    }
    const started = performance.now();
    const validate = this.ajv.compile(schema);
    this.counters.compileMs += performance.now() - started;
    this.counters.compiles++;
    this.entries.set(cacheKey, { schema, validate });
    if (this.entries.size > this.maxEntries) this.evictOldest();
    return validate;
  }

  /**
   * Every issue `value` has against the schema, each at its dotted path under `basePath`
   * (`form.address.zip`); empty when valid. Callers throw `ValidationError(issues)`.
   */
  validate(cacheKey: string, schema: object, value: unknown, basePath: string): FieldError[] {
    const validate = this.validatorFor(cacheKey, schema);
    const started = performance.now();
    const valid = validate(value);
    this.counters.validateMs += performance.now() - started;
    this.counters.validations++;
    return valid ? [] : dedupe((validate.errors ?? []).map((error) => valueIssue(error, basePath)));
  }

  stats(): SchemaValidatorStats {
    return { cached: this.entries.size, ...this.counters };
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done) return;
    const entry = this.entries.get(oldest.value)!;
    this.entries.delete(oldest.value);
    // Ajv's own cache holds the schema and its compiled code; drop it with our entry.
    this.ajv.removeSchema(entry.schema);
  }
}

/**
 * A value error at its field: a missing or unknown property is named by the property itself
 * (`form.model`), as the zod-validated routes name them, not by the object that lacks or has it.
 */
function valueIssue(error: ErrorObject, basePath: string): FieldError {
  const at = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: joinPath(basePath, ...at, String(params.missingProperty)), message: 'is required' };
    case 'dependentRequired':
      return {
        path: joinPath(basePath, ...at, String(params.missingProperty)),
        message: `is required when ${String(params.property)} is present`,
      };
    case 'additionalProperties':
      return {
        path: joinPath(basePath, ...at, String(params.additionalProperty)),
        message: 'is not a known field',
      };
    default:
      return { path: joinPath(basePath, ...at), message: error.message ?? 'is invalid' };
  }
}

/** A meta-schema error: its instance is the schema, so its path is a location in the schema. */
function schemaIssue(error: ErrorObject, basePath: string): FieldError {
  return {
    path: joinPath(basePath, ...pointerSegments(error.instancePath)),
    message: error.message ?? 'is invalid',
  };
}

/**
 * Ajv reports a strict-mode failure as one message naming the schema location:
 * `strict mode: missing type "object" for keyword "properties" at "#/properties/a" (strictTypes)`.
 */
function compileIssue(error: Error, basePath: string): FieldError {
  const location = / at "(#[^"]*)"/.exec(error.message)?.[1] ?? '#';
  const path = joinPath(basePath, ...pointerSegments(location));
  const missingType = /missing type "([^"]+)" for keyword "([^"]+)"/.exec(error.message);
  if (missingType)
    return { path, message: `must declare "type": "${missingType[1]}" to use "${missingType[2]}"` };
  const message = error.message.replace(/ at "#[^"]*"/, '').replace(/ \(strict\w+\)$/, '');
  return { path, message };
}

function dedupe(issues: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
