import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isValidTimezone } from '../../../functions/sla/timezone.js';

describe('isValidTimezone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Asia/Kolkata', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['Europe/Berlin ', false],
    ['local', false],
    ['', false],
  ])('%j valid=%s', (zone, valid) => {
    expect(isValidTimezone(zone)).toBe(valid);
  });

  it.each(['Europe/Berlin', 'Asia/Tokyo', 'Australia/Lord_Howe', 'UTC'])(
    'accepts only zones the SLA math (Luxon) can use: %s',
    (zone) => {
      expect(isValidTimezone(zone)).toBe(true);
      expect(DateTime.now().setZone(zone).isValid).toBe(true);
    },
  );
});
