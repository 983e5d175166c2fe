/** An assignment (and, later, approval) group (docs/decisions.md#itsm-choices). */
export interface Group {
  readonly id: string;
  readonly name: string;
  readonly members: readonly string[];
  readonly email: string | null;
  /** The hours in which the group takes non-P1 SLA notifications (default: business-hours). */
  readonly calendarId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export const GROUP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Where a ticket created without a group goes (API and mail), unless the stack names another
 * (`defaultGroup`, docs/deploy.md#configuration): the seeded service desk.
 */
export const DEFAULT_TICKET_GROUP = 'service-desk';

/** Groups every stack starts with; tickets nobody routed go to the first, approvals to the last two. */
export const DEFAULT_GROUPS: readonly Pick<Group, 'id' | 'name'>[] = [
  { id: 'service-desk', name: 'Service Desk' },
  { id: 'change-managers', name: 'Change Managers' },
  { id: 'ecab', name: 'Emergency Change Advisory Board' },
];
