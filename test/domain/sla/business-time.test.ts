import { describe, expect, it } from 'vitest';
import {
  addBusinessMs,
  businessMsBetween,
  NoWorkingTimeError,
  nextWorkingInstant,
} from '../../../functions/sla/business-time.js';
import {
  ALWAYS_ON_CALENDAR,
  type Calendar,
  rangeProblems,
  type TimeRange,
} from '../../../functions/sla/calendar.js';

const MIN = 60_000;

function calendar(
  timezone: string,
  weekday: TimeRange[],
  holidays: string[] = [],
  weekend: TimeRange[] = [],
): Calendar {
  return {
    id: `${timezone}-cal`,
    name: timezone,
    timezone,
    hours: {
      mon: weekday,
      tue: weekday,
      wed: weekday,
      thu: weekday,
      fri: weekday,
      sat: weekend,
      sun: weekend,
    },
    holidays,
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const allDay: TimeRange[] = [['00:00', '24:00']];
const berlin = calendar('Europe/Berlin', [['09:00', '17:00']], ['2026-12-25', '2026-10-26']);
const berlinLunch = calendar('Europe/Berlin', [
  ['09:00', '12:00'],
  ['13:00', '17:00'],
]);
const berlinAllDay = calendar('Europe/Berlin', allDay, [], allDay);
const tokyo = calendar('Asia/Tokyo', [['09:00', '17:00']]);
const newYork = calendar('America/New_York', [['09:00', '17:00']]);
const always = { ...ALWAYS_ON_CALENDAR, version: 1, updatedAt: '' };

// [label, calendar, start (UTC), business minutes, expected due (UTC)]
const DUE: [string, Calendar, string, number, string][] = [
  ['24x7: plain minutes', always, '2026-11-23T10:00:00.000Z', 60, '2026-11-23T11:00:00.000Z'],
  [
    '24x7: a target of two weeks',
    always,
    '2026-11-23T10:00:00.000Z',
    14 * 24 * 60,
    '2026-12-07T10:00:00.000Z',
  ],
  ['inside hours', berlin, '2026-11-23T09:00:00.000Z', 60, '2026-11-23T10:00:00.000Z'], // Mon 10:00 CET → 11:00
  ['start before opening', berlin, '2026-11-23T06:00:00.000Z', 30, '2026-11-23T08:30:00.000Z'], // Mon 07:00 → 09:30
  ['start on a Saturday', berlin, '2026-11-21T09:00:00.000Z', 60, '2026-11-23T09:00:00.000Z'], // → Mon 10:00 CET
  ['start on a holiday', berlin, '2026-12-25T09:00:00.000Z', 60, '2026-12-28T09:00:00.000Z'], // Fri holiday → Mon 10:00
  ['ends exactly at closing', berlin, '2026-11-23T15:00:00.000Z', 60, '2026-11-23T16:00:00.000Z'], // 16:00 → 17:00, not Tue 09:00
  ['one minute past closing rolls over', berlin, '2026-11-23T15:00:00.000Z', 61, '2026-11-24T08:01:00.000Z'],
  ['lunch break', berlinLunch, '2026-11-23T10:30:00.000Z', 60, '2026-11-23T12:30:00.000Z'], // 11:30 → 13:30 CET
  [
    'five business days end at Friday closing',
    berlin,
    '2026-11-23T08:00:00.000Z',
    5 * 8 * 60,
    '2026-11-27T16:00:00.000Z',
  ],
  // Fri 27 Mar 16:00 CET + 2 h: Sunday's spring-forward moves Monday's opening to 07:00 UTC.
  [
    'across spring-forward (business hours)',
    berlin,
    '2026-03-27T15:00:00.000Z',
    120,
    '2026-03-30T08:00:00.000Z',
  ],
  // 24x7 in Berlin: business time is elapsed time, whatever the wall clock does.
  [
    'across spring-forward (24x7 Berlin)',
    berlinAllDay,
    '2026-03-28T22:00:00.000Z',
    240,
    '2026-03-29T02:00:00.000Z',
  ],
  // Sunday 25 Oct has 25 hours: a day of minutes from local midnight ends at 23:00 local.
  [
    'across fall-back (24x7 Berlin)',
    berlinAllDay,
    '2026-10-24T22:00:00.000Z',
    24 * 60,
    '2026-10-25T22:00:00.000Z',
  ],
  // The case: P1 raised Fri 23 Oct 16:50 CEST on Berlin business hours, 4 h target:
  // 10 min on Friday, weekend, DST change, Monday 26 Oct a holiday, 3 h 50 on Tuesday from 09:00 CET.
  [
    'Friday 16:50, weekend, DST and a holiday',
    berlin,
    '2026-10-23T14:50:00.000Z',
    240,
    '2026-10-27T11:50:00.000Z',
  ],
  ['zone ahead of UTC (Tokyo)', tokyo, '2026-11-23T23:00:00.000Z', 60, '2026-11-24T01:00:00.000Z'], // Tue 08:00 JST → 10:00
  ['zone behind UTC (New York)', newYork, '2026-11-23T21:30:00.000Z', 60, '2026-11-24T14:30:00.000Z'], // Mon 16:30 EST → Tue 09:30
  ['zero minutes is the start itself', berlin, '2026-11-21T09:00:00.000Z', 0, '2026-11-21T09:00:00.000Z'],
];

describe('addBusinessMs', () => {
  it.each(DUE)('%s', (_label, cal, start, minutes, due) => {
    expect(addBusinessMs(cal, new Date(start), minutes * MIN).toISOString()).toBe(due);
  });

  it('a calendar with no working time fails clearly instead of looping', () => {
    const never = calendar('UTC', []);
    expect(() => addBusinessMs(never, new Date('2026-01-01T00:00:00Z'), MIN)).toThrow(NoWorkingTimeError);
  });
});

// [label, calendar, from, to, expected business minutes] — pause lengths across nights, weekends, holidays.
const BETWEEN: [string, Calendar, string, string, number][] = [
  ['same range', berlin, '2026-11-23T09:00:00.000Z', '2026-11-23T10:30:00.000Z', 90],
  ['across a night', berlin, '2026-11-23T15:00:00.000Z', '2026-11-24T09:00:00.000Z', 60 + 60],
  ['across a weekend', berlin, '2026-11-20T15:00:00.000Z', '2026-11-23T09:00:00.000Z', 60 + 60],
  ['across a holiday', berlin, '2026-12-24T15:00:00.000Z', '2026-12-28T09:00:00.000Z', 60 + 60],
  ['entirely outside hours', berlin, '2026-11-21T09:00:00.000Z', '2026-11-22T20:00:00.000Z', 0],
  ['lunch excluded', berlinLunch, '2026-11-23T10:00:00.000Z', '2026-11-23T13:00:00.000Z', 60 + 60],
  [
    '24x7 across fall-back counts the extra hour',
    berlinAllDay,
    '2026-10-24T22:00:00.000Z',
    '2026-10-25T23:00:00.000Z',
    25 * 60,
  ],
  ['reversed interval', berlin, '2026-11-24T09:00:00.000Z', '2026-11-23T09:00:00.000Z', 0],
];

describe('businessMsBetween', () => {
  it.each(BETWEEN)('%s', (_label, cal, from, to, minutes) => {
    expect(businessMsBetween(cal, new Date(from), new Date(to))).toBe(minutes * MIN);
  });

  it('is the inverse of addBusinessMs', () => {
    const start = new Date('2026-10-23T14:50:00.000Z');
    for (const minutes of [1, 59, 480, 1441, 5000]) {
      const due = addBusinessMs(berlin, start, minutes * MIN);
      expect(businessMsBetween(berlin, start, due)).toBe(minutes * MIN);
    }
  });
});

describe('calendar helpers', () => {
  it('next working instant', () => {
    expect(nextWorkingInstant(berlin, new Date('2026-11-21T12:00:00Z')).toISOString()).toBe(
      '2026-11-23T08:00:00.000Z',
    );
    expect(nextWorkingInstant(berlin, new Date('2026-11-23T12:00:00Z')).toISOString()).toBe(
      '2026-11-23T12:00:00.000Z',
    );
  });

  it.each([
    [[['09:00', '17:00']], []],
    [
      [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      [],
    ],
    [[['17:00', '09:00']], ['range 1 ends before it starts']],
    [
      [
        ['09:00', '13:00'],
        ['12:00', '17:00'],
      ],
      ['ranges overlap'],
    ],
    [[['9:00', '17:00']], ['range 1 must be two "HH:MM" times']],
    [[['09:00', '24:01']], ['range 1 must be two "HH:MM" times']],
  ] as [TimeRange[], string[]][])('ranges %j → %j', (ranges, problems) => {
    expect(rangeProblems(ranges)).toEqual(problems);
  });
});
