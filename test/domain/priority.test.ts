import { describe, expect, it } from 'vitest';
import { derivePriority, type Level } from '../../functions/tickets/priority.js';

// The matrix of docs/api.md#tickets-in-brief, row by row: impact × urgency → priority.
const MATRIX: [Level, Level, number][] = [
  [1, 1, 1],
  [1, 2, 2],
  [1, 3, 3],
  [2, 1, 2],
  [2, 2, 3],
  [2, 3, 4],
  [3, 1, 3],
  [3, 2, 4],
  [3, 3, 5],
];

describe('priority matrix', () => {
  it.each(MATRIX)('impact %i × urgency %i → P%i', (impact, urgency, priority) => {
    expect(derivePriority(impact, urgency)).toBe(priority);
  });
});
