import { describe, expect, it } from 'vitest';
import {
  digestOf,
  newSecret,
  presentedSecret,
  rotated,
  secretMatches,
} from '../../functions/alerts/credentials.js';

describe('integration secrets', () => {
  const t0 = new Date('2026-12-07T06:00:00.000Z');

  it('are random, kept as digests, and match only themselves', () => {
    const a = newSecret();
    expect(a).not.toBe(newSecret());
    const stored = [{ digest: digestOf(a), validUntil: null }];
    expect(stored[0]!.digest).not.toContain(a);
    expect(secretMatches(stored, a, t0)).toBe(true);
    expect(secretMatches(stored, `${a}x`, t0)).toBe(false);
    expect(secretMatches(stored, '', t0)).toBe(false);
    expect(secretMatches([], a, t0)).toBe(false);
  });

  it('rotation keeps the previous secret 24 h, then drops it', () => {
    const old = newSecret();
    const fresh = newSecret();
    const secrets = rotated(
      [{ digest: digestOf(old), validUntil: null }],
      { digest: digestOf(fresh), validUntil: null },
      t0,
    );
    expect(secrets).toHaveLength(2);
    expect(secrets[1]!.validUntil).toBe('2026-12-08T06:00:00.000Z');
    expect(secretMatches(secrets, old, new Date('2026-12-08T05:59:59.000Z'))).toBe(true);
    expect(secretMatches(secrets, old, new Date('2026-12-08T06:00:00.000Z'))).toBe(false);
    expect(secretMatches(secrets, fresh, new Date('2027-01-01T00:00:00.000Z'))).toBe(true);
    // A rotation later drops the expired one.
    expect(
      rotated(
        secrets,
        { digest: digestOf(newSecret()), validUntil: null },
        new Date('2026-12-09T00:00:00.000Z'),
      ),
    ).toHaveLength(2);
  });

  it('are presented as Bearer, or Basic with the secret as password', () => {
    expect(presentedSecret('Bearer abc')).toBe('abc');
    expect(presentedSecret(`Basic ${Buffer.from('user:s3:cr3t').toString('base64')}`)).toBe('s3:cr3t');
    expect(presentedSecret(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
    expect(presentedSecret('Digest x')).toBeUndefined();
    expect(presentedSecret(undefined)).toBeUndefined();
  });
});
