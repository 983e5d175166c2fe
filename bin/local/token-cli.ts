import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_TTL_SECONDS, isRole, ROLES, type TokenRequest } from './auth.js';

/** Argument parsing of `npm run token`, kept apart from the script so it can be tested. */
export const TOKEN_USAGE = `usage: npm run -s token -- <userId> <role> [<role>...] [--email x [--unverified]] [--name y] [--ttl 12h]
  roles: ${ROLES.join(' | ')}
  --email: the token's address, with email_verified: true (the caller is that address's person)
  --unverified: email_verified: false instead (the address grants nothing)
  --ttl: seconds, or a number followed by s, m, h or d (default 12h)`;

const OPTIONS = {
  email: { type: 'string' },
  unverified: { type: 'boolean' },
  name: { type: 'string' },
  ttl: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (args: string[]) => parseArgs({ args, allowPositionals: true, options: OPTIONS });

export type TokenArgs =
  | { readonly kind: 'token'; readonly request: TokenRequest }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** `90`, `90s`, `30m`, `12h`, `7d` → seconds; undefined when not a positive duration. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

export function parseTokenArgs(argv: readonly string[]): TokenArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse([...argv]);
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (parsed.values.help) return { kind: 'help' };
  const [userId, ...roles] = parsed.positionals;
  if (!userId) return { kind: 'error', message: 'missing <userId>' };
  if (roles.length === 0) return { kind: 'error', message: 'give at least one role' };
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) return { kind: 'error', message: `unknown role(s): ${unknown.join(', ')}` };
  const ttlSeconds =
    parsed.values.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : parseTtl(parsed.values.ttl);
  if (ttlSeconds === undefined)
    return { kind: 'error', message: `--ttl must be a positive duration, got ${parsed.values.ttl}` };
  if (parsed.values.unverified && parsed.values.email === undefined)
    return { kind: 'error', message: '--unverified needs --email' };
  return {
    kind: 'token',
    request: {
      userId,
      roles,
      ttlSeconds,
      ...(parsed.values.email !== undefined && { email: parsed.values.email }),
      ...(parsed.values.unverified && { emailVerified: false }),
      ...(parsed.values.name !== undefined && { name: parsed.values.name }),
    },
  };
}
