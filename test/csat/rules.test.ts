import { describe, expect, it } from 'vitest';
import { DEFAULT_CSAT_SETTINGS } from '../../functions/csat/model.js';
import {
  ineligibility,
  isSampled,
  mayIssue,
  newToken,
  sampleBucket,
  TOKEN_PATTERN,
  tokenHash,
  validAnswer,
} from '../../functions/csat/rules.js';
import { ValidationError } from '../../functions/shared/errors.js';

describe('CSAT rules', () => {
  it('samples by the SHA-256 of the ticket id read as an unsigned big-endian integer, mod 100', () => {
    // sha256("INC-000001") = 017ad96e…6d4f; as an integer mod 100 = 7 (computed independently).
    expect(sampleBucket('INC-000001')).toBe(7);
    expect(sampleBucket('INC-000002')).toBe(73);
    expect(sampleBucket('INC-000042')).toBe(98);
    expect(sampleBucket('REQ-000007')).toBe(61);
    expect(isSampled('INC-000001', 8)).toBe(true);
    expect(isSampled('INC-000001', 7)).toBe(false);
    expect(isSampled('INC-000042', 99)).toBe(true);
    expect(isSampled('INC-000042', 98)).toBe(false);
    // Every ticket at 100 %, the same answer every time.
    for (let n = 1; n <= 200; n++) {
      const id = `INC-${String(n).padStart(6, '0')}`;
      expect(isSampled(id, 100)).toBe(true);
      expect(sampleBucket(id)).toBe(sampleBucket(id));
    }
  });

  it('samples close to the rate over many ids', () => {
    const ids = Array.from({ length: 2000 }, (_, n) => `INC-${String(n + 1).padStart(6, '0')}`);
    const share = ids.filter((id) => isSampled(id, 25)).length / ids.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
  });

  it('says why a ticket gets no survey', () => {
    const ticket = {
      id: 'INC-000001',
      type: 'incident' as const,
      source: 'api' as const,
      requester: { id: 'rita', email: 'rita@example.com', name: null },
    };
    expect(ineligibility(ticket, DEFAULT_CSAT_SETTINGS)).toBeUndefined();
    expect(ineligibility(ticket, { ...DEFAULT_CSAT_SETTINGS, enabled: false })).toBe('disabled');
    expect(ineligibility({ ...ticket, type: 'problem' }, DEFAULT_CSAT_SETTINGS)).toBe('type');
    expect(ineligibility(ticket, { ...DEFAULT_CSAT_SETTINGS, types: ['service_request'] })).toBe('type');
    expect(ineligibility({ ...ticket, source: 'alert' }, DEFAULT_CSAT_SETTINGS)).toBe('alert');
    expect(ineligibility({ ...ticket, source: 'email' }, DEFAULT_CSAT_SETTINGS)).toBeUndefined();
    expect(
      ineligibility({ ...ticket, requester: { ...ticket.requester, email: null } }, DEFAULT_CSAT_SETTINGS),
    ).toBe('no_email');
    expect(ineligibility(ticket, { ...DEFAULT_CSAT_SETTINGS, sampleRate: 7 })).toBe('not_sampled');
  });

  it('issues again only after a voided or expired survey', () => {
    const feedback = { rating: null, comment: null, answeredAt: null, expiresAt: '2026-12-15T10:00:00.000Z' };
    expect(mayIssue({ feedback: null })).toBe(true);
    expect(mayIssue({})).toBe(true);
    expect(mayIssue({ feedback: { ...feedback, status: 'voided' } })).toBe(true);
    expect(mayIssue({ feedback: { ...feedback, status: 'expired' } })).toBe(true);
    expect(mayIssue({ feedback: { ...feedback, status: 'pending' } })).toBe(false);
    expect(mayIssue({ feedback: { ...feedback, status: 'answered', rating: 4 } })).toBe(false);
  });

  it('mints 32-byte base64url tokens and stores only their hex SHA-256', () => {
    const token = newToken();
    expect(token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('trims comments, bounds them at 2,000 characters and requires them at or below the threshold', () => {
    const settings = { commentRequiredAtOrBelow: 2 };
    expect(validAnswer({ rating: 5 }, settings)).toEqual({ rating: 5, comment: null });
    expect(validAnswer({ rating: 3, comment: '  fine \n' }, settings)).toEqual({
      rating: 3,
      comment: 'fine',
    });
    expect(validAnswer({ rating: 2, comment: 'slow' }, settings).comment).toBe('slow');
    const paths = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as ValidationError).errors.map((e) => e.path);
      }
      return [];
    };
    expect(paths(() => validAnswer({ rating: 2 }, settings))).toEqual(['comment']);
    expect(paths(() => validAnswer({ rating: 1, comment: '   ' }, settings))).toEqual(['comment']);
    expect(paths(() => validAnswer({ rating: 5, comment: 'é'.repeat(2001) }, settings))).toEqual(['comment']);
    // 2,000 characters counted as characters, not UTF-16 units.
    expect(validAnswer({ rating: 5, comment: '😀'.repeat(2000) }, settings).comment).toHaveLength(4000);
    expect(() => validAnswer({ rating: 1 }, { commentRequiredAtOrBelow: null })).not.toThrow(ValidationError);
  });
});
