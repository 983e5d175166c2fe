import * as z from 'zod/mini';
import { described, groupId, identifier, isoTime, pageOf, withMeta } from '../../shared/http/schemas.js';
import { singleLine } from '../../shared/http/text.js';

export const putGroupBody = withMeta(
  z.strictObject({
    name: singleLine(200, 1),
    members: z.array(identifier).check(z.maxLength(500)),
    email: z.optional(z.nullable(z.email())),
    calendarId: described(
      z.optional(z.nullable(groupId)),
      'hours for non-P1 SLA notifications; default business-hours',
    ),
  }),
  {
    id: 'PutGroup',
    examples: [{ name: 'Network', members: ['ann', 'cara'], email: 'network@example.com' }],
  },
);

export const groupSchema = withMeta(
  z.object({
    id: groupId,
    name: z.string(),
    members: z.array(z.string()),
    email: z.nullable(z.string()),
    calendarId: z.optional(z.nullable(z.string())),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().check(z.gte(1)),
  }),
  { id: 'Group' },
);

export const groupPage = pageOf(groupSchema, 'GroupPage');
