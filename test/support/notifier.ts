import { LOCAL_EMAIL_DOMAIN } from '../../bin/local/smtp-gateway.js';
import type { MailSender, OutboundMail } from '../../functions/email/mail/mail-sender.js';
import { createEmailNotifierHandler } from '../../functions/email/notifier-handler.js';
import { emailNotifier } from '../../functions/email/notifier-wiring.js';
import { defaultEmailSettings } from '../../functions/email/settings.js';
import type { DomainEvent } from '../../functions/shared/outbox/event-bus.js';
import { eventBridgeEnvelope } from '../../functions/shared/outbox/event-envelope.js';
import type { LocalRuntime } from './runtime.js';

/**
 * EventBridge delivering an event to the notifier a second time (another Lambda container, the
 * same table and ledger, the runtime's outbox): what a redelivery after a lost acknowledgement does.
 */
export function redeliverToNotifier(rt: LocalRuntime, event: DomainEvent): Promise<string> {
  const notify = createEmailNotifierHandler(
    emailNotifier({
      tableName: rt.tableName,
      dynamo: rt.deps.dynamo,
      clock: rt.clock,
      settings: defaultEmailSettings(LOCAL_EMAIL_DOMAIN),
      mail: rt.deps.mail,
    }),
    () => undefined,
  );
  return notify(eventBridgeEnvelope(event));
}

/**
 * Makes the runtime's mail sender (the one the notifier sends with) fail the first `times` mails
 * that `matches` picks, as SES throttling would; returns how many it failed and a restore.
 */
export function failMailOnce(
  rt: LocalRuntime,
  matches: (mail: OutboundMail) => boolean,
  times = 1,
): { failed(): number; restore(): void } {
  const sender = rt.deps.mail as { send: MailSender['send'] };
  const original = sender.send;
  let failed = 0;
  sender.send = async (mail) => {
    if (failed < times && matches(mail)) {
      failed++;
      throw new Error('SES throttled (test)');
    }
    return original.call(rt.deps.mail, mail);
  };
  return {
    failed: () => failed,
    restore: () => {
      sender.send = original;
    },
  };
}
