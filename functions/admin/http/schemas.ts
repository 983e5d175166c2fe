import * as z from 'zod/mini';
import { MAIL_OUTCOMES } from '../../email/mail-outcomes.js';
import { described, isoTime, pageOf, pageQuery, withMeta } from '../../shared/http/schemas.js';

export const listMailOutcomesQuery = withMeta(
  z.strictObject({
    ...pageQuery,
    outcome: described(z.optional(z.enum(MAIL_OUTCOMES)), 'only mail with this outcome'),
    sender: described(
      z.optional(
        z
          .string()
          .check(z.maxLength(320), z.regex(/^[^\s@]+@[^\s@]+$/, { message: 'must be an email address' })),
      ),
      'only mail from this address (compared case-insensitively)',
    ),
  }),
  { id: 'ListMailOutcomesQuery' },
);

export const mailOutcomeSchema = withMeta(
  z.object({
    at: isoTime,
    outcome: described(
      z.enum(MAIL_OUTCOMES),
      '`refused` (over the size limit), `quarantined` (spam or virus verdict, unparseable), `dropped` (machine mail, our own mail back, a denied sender), `duplicate` (a Message-ID delivered again)',
    ),
    reason: z.string(),
    from: described(z.nullable(z.string()), 'the sender, when the mail names one that could be read'),
    subject: z.nullable(z.string()),
    messageId: z.nullable(z.string()),
    classification: described(
      z.nullable(z.object({ kind: z.string(), reasons: z.array(z.string()) })),
      "the machine-mail classifier's kind and the signals that matched (docs/email.md#machine-mail-classifyts)",
    ),
  }),
  { id: 'MailOutcome' },
);

export const mailOutcomePage = pageOf(mailOutcomeSchema, 'MailOutcomePage');
