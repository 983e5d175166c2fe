import type { Change } from '../../functions/changes/model.js';
import { type CreateChangeInput, newChange, type Stamp } from '../../functions/changes/rules.js';
import type { Caller, Role } from '../../functions/shared/authz.js';

export const NOW = '2026-11-23T10:00:00.000Z';

export function person(id: string, ...roles: Role[]): Caller {
  return { id, email: `${id}@example.com`, name: id, roles: new Set(roles) };
}

export const agent = person('ann', 'agent');
export const approver = person('cara', 'approver');
export const requester = person('rita', 'requester');

let counter = 0;
export function stamp(now = NOW): Stamp {
  counter += 1;
  return { now, eventId: `evt-${counter}` };
}

/** An ISO time `hours` after NOW. */
export function inHours(hours: number): string {
  return new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
}

export function changeInput(overrides: Partial<CreateChangeInput> = {}): CreateChangeInput {
  return {
    type: 'normal',
    title: 'Upgrade core switches',
    ciIds: ['switch-1'],
    plannedStart: inHours(48),
    plannedEnd: inHours(50),
    implementationPlan: 'one at a time',
    backoutPlan: 'reinstall 9.2',
    approvalGroups: ['network'],
    ...overrides,
  };
}

export function change(overrides: Partial<Change> = {}, input: Partial<CreateChangeInput> = {}): Change {
  return {
    ...newChange('CHG-000001', changeInput(input), agent, stamp(), 'arn:execution:CHG-000001'),
    ...overrides,
  };
}
