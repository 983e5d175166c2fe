import * as z from 'zod';
import { groupId, identifier, isoTime, pageOf } from './common.js';

export const putGroupBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    members: z.array(identifier).max(500),
    email: z.email().nullable().optional(),
    calendarId: groupId
      .nullable()
      .optional()
      .describe('hours for non-P1 SLA notifications; default business-hours'),
  })
  .meta({ id: 'PutGroup' });

export const groupSchema = z
  .object({
    id: groupId,
    name: z.string(),
    members: z.array(z.string()),
    email: z.string().nullable(),
    calendarId: z.string().nullable().optional(),
    createdAt: isoTime,
    updatedAt: isoTime,
    version: z.int().min(1),
  })
  .meta({ id: 'Group' });

export const groupPage = pageOf(groupSchema, 'GroupPage');
