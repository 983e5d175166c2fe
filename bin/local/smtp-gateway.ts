import { NOTIFIED_DETAIL_TYPES } from '../../functions/email/constants.js';
import { assembleEmailIngest } from '../../functions/email/ingest.function.js';
import { assembleEmailNotifier } from '../../functions/email/notifier.function.js';
import { defaultEmailSettings, type EmailSettings } from '../../functions/email/settings.js';
import type { EmailDeps } from '../../functions/email/wiring.js';
import type { DomainEvent, EventBus } from '../../functions/shared/outbox/event-bus.js';
import { eventBridgeEnvelope } from '../../functions/shared/outbox/event-envelope.js';
import type { RecordingEventBus } from '../../functions/shared/outbox/recording-bus.js';
import type { AppDeps } from './functions.js';
import type { Logger } from './log.js';
import { LOCAL_BUCKETS, type LocalObjects } from './objects.js';
import { startSmtpListener } from './smtp-listener.js';

/**
 * The local mail gateway: the SMTP listener feeding the ingest handler, and the notifier attached
 * to the event bus the way the EventBridge rule attaches it on AWS (same detail types, delivered
 * after the event is published, retried a few times, never failing the publisher).
 */
export { NOTIFIED_DETAIL_TYPES };

export const LOCAL_EMAIL_DOMAIN = 'opsdesk.local';
/**
 * Where staff notices go locally when neither assignee nor group has an address (EmailSettings
 * `fallbackAddress`), so that they show in GET /_local/outbox out of the box.
 */
export const LOCAL_FALLBACK_ADDRESS = `oncall@${LOCAL_EMAIL_DOMAIN}`;

export interface LocalMailGateway {
  readonly smtpPort: number;
  readonly settings: EmailSettings;
  /** The bus the stream publisher should publish to: records, then notifies. */
  readonly bus: EventBus;
  stop(): Promise<void>;
}

const DELIVERY_ATTEMPTS = 3;

export async function startLocalMailGateway(options: {
  readonly deps: AppDeps;
  readonly objects: LocalObjects;
  readonly bus: RecordingEventBus;
  readonly log: Logger;
  readonly port: number;
  readonly settings?: Partial<EmailSettings>;
  /** What the listener advertises and accepts; default the gateway's limit (settings.maxMailBytes). */
  readonly sizeLimit?: number;
}): Promise<LocalMailGateway> {
  const { deps, objects, log } = options;
  const settings: EmailSettings = {
    ...defaultEmailSettings(LOCAL_EMAIL_DOMAIN),
    fallbackAddress: LOCAL_FALLBACK_ADDRESS,
    ...options.settings,
  };
  const emailDeps: EmailDeps = {
    tableName: deps.tableName,
    dynamo: deps.dynamo,
    clock: deps.clock,
    settings,
    rawMail: objects.rawMail,
    attachmentObjects: objects.attachments,
    mail: deps.mail,
  };
  const info = (message: string, fields: Record<string, unknown>) =>
    log.info(`${message} ${JSON.stringify(fields)}`);
  const notify = assembleEmailNotifier(emailDeps, info);
  const listener = await startSmtpListener(
    {
      rawMail: objects.rawMail,
      bucketName: LOCAL_BUCKETS.rawMail,
      handler: assembleEmailIngest(emailDeps, info),
      log,
      maxBytes: options.sizeLimit ?? settings.maxMailBytes,
    },
    options.port,
  );

  const deliver = async (event: DomainEvent): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await notify(eventBridgeEnvelope(event));
        return;
      } catch (error) {
        if (attempt >= DELIVERY_ATTEMPTS) {
          log.error(`notification for ${event.detailType} ${event.detail.eventId} failed`, error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  };

  return {
    smtpPort: listener.port,
    settings,
    bus: {
      publish: async (events) => {
        await options.bus.publish(events);
        for (const event of events) {
          if ((NOTIFIED_DETAIL_TYPES as readonly string[]).includes(event.detailType)) await deliver(event);
        }
      },
    },
    stop: () => listener.stop(),
  };
}

function envPort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got ${value}`);
  return port;
}

/**
 * Ports of the SMTP listener (SMTP_PORT, default 2525) and the object server (OBJECTS_PORT,
 * default 3001). When the HTTP port is 0 (tests, several stacks at once) both are 0 too.
 */
export function localMailPorts(
  httpPort: number,
  options: { readonly smtpPort?: number; readonly objectsPort?: number },
): { smtp: number; objects: number } {
  const ephemeral = httpPort === 0;
  return {
    smtp: options.smtpPort ?? (ephemeral ? 0 : envPort('SMTP_PORT', 2525)),
    objects: options.objectsPort ?? (ephemeral ? 0 : envPort('OBJECTS_PORT', 3001)),
  };
}
