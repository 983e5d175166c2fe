/**
 * A function's environment, declared once as a schema: the Lambda entry parses process.env with
 * it at init, the CDK construct sets exactly its variables (lib/lambda.ts `environmentFor`), and
 * the infrastructure tests compare the two. A missing or empty required variable fails the cold
 * start with a message naming it, instead of failing later on the first request that needs it.
 *
 * Deliberately not zod: a declaration this small does not need it, and functions that validate no
 * request (the seed, the stream publisher) would otherwise bundle it only for this.
 */
export type VariableSpec =
  | { readonly required: true }
  | { readonly required: false; readonly fallback: string };

export type EnvironmentShape = Readonly<Record<string, VariableSpec>>;

export interface EnvironmentSchema<S extends EnvironmentShape = EnvironmentShape> {
  readonly shape: S;
}

export type EnvironmentOf<S extends EnvironmentSchema> = { readonly [K in keyof S['shape']]: string };

/** A variable that must be set to a non-blank value. */
export function required(): VariableSpec {
  return { required: true };
}

/** A variable that may be empty or absent (then `fallback`). */
export function optional(fallback = ''): VariableSpec {
  return { required: false, fallback };
}

export function defineEnvironment<const S extends EnvironmentShape>(shape: S): EnvironmentSchema<S> {
  return { shape };
}

/** The variable names a schema declares, for the stack and its tests. */
export function variableNames(schema: EnvironmentSchema): string[] {
  return Object.keys(schema.shape);
}

/** Parses only the declared variables; throws one error naming every variable at fault. */
export function parseEnvironment<S extends EnvironmentSchema>(
  schema: S,
  source: Readonly<Record<string, string | undefined>> = process.env,
): EnvironmentOf<S> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(schema.shape)) {
    const value = source[name]?.trim() ?? '';
    if (value !== '') values[name] = value;
    else if (spec.required) missing.push(name);
    else values[name] = spec.fallback;
  }
  if (missing.length > 0) {
    throw new Error(`environment: ${missing.map((name) => `${name} is not set (or is empty)`).join('; ')}`);
  }
  return values as EnvironmentOf<S>;
}

/** What every HTTP function over the table reads. */
export const HTTP_TABLE_ENVIRONMENT = {
  TABLE_NAME: required(),
  CURSOR_SECRET_ARN: required(),
  /** Comma-separated origins; empty means no CORS headers. */
  CORS_ORIGINS: optional(),
  GROUPS_CLAIM: required(),
  /** Comma-separated token issuers that verify every email address they issue (stack config `emailVerifyingIssuers`). */
  EMAIL_VERIFYING_ISSUERS: optional(),
} satisfies EnvironmentShape;
