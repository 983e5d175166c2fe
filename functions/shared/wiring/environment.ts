import * as z from 'zod/mini';
import '../zod-locale.js';

/**
 * A function's environment, declared once as a schema: the Lambda entry parses process.env with
 * it at init, the CDK construct sets exactly its variables (lib/lambda.ts `environmentFor`), and
 * the infrastructure tests compare the two. A missing or empty required variable fails the cold
 * start with a message naming it, instead of failing later on the first request that needs it.
 */
export type EnvironmentShape = Record<string, z.ZodMiniType<string, string | undefined>>;
export type EnvironmentSchema<S extends EnvironmentShape = EnvironmentShape> = z.ZodMiniObject<S>;
export type EnvironmentOf<S extends EnvironmentSchema> = z.infer<S>;

/** A variable that must be set to a non-blank value. */
export function required(): z.ZodMiniType<string, string | undefined> {
  return z.string().check(z.trim(), z.minLength(1, 'is not set (or is empty)')) as z.ZodMiniType<
    string,
    string | undefined
  >;
}

/** A variable that may be empty or absent (then `fallback`). */
export function optional(fallback = ''): z.ZodMiniType<string, string | undefined> {
  return z._default(z.string(), fallback) as unknown as z.ZodMiniType<string, string | undefined>;
}

export function defineEnvironment<S extends EnvironmentShape>(shape: S): EnvironmentSchema<S> {
  return z.object(shape);
}

/** The variable names a schema declares, for the stack and its tests. */
export function variableNames(schema: EnvironmentSchema): string[] {
  return Object.keys(schema.shape);
}

/** Parses only the declared variables; throws one error naming every variable at fault. */
export function parseEnvironment<S extends EnvironmentSchema>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): EnvironmentOf<S> {
  const declared = Object.fromEntries(variableNames(schema).map((name) => [name, source[name]]));
  const result = schema.safeParse(declared);
  if (result.success) return result.data;
  const faults = result.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return source[name] === undefined || source[name]?.trim() === ''
      ? `${name} is not set (or is empty)`
      : `${name} ${issue.message}`;
  });
  throw new Error(`environment: ${[...new Set(faults)].join('; ')}`);
}

/** What every HTTP function over the table reads. */
export const HTTP_TABLE_ENVIRONMENT = {
  TABLE_NAME: required(),
  CURSOR_SECRET_ARN: required(),
  /** Comma-separated origins; empty means no CORS headers. */
  CORS_ORIGINS: optional(),
  GROUPS_CLAIM: required(),
} satisfies EnvironmentShape;
