import { emailSettingsFrom } from '../email/aws-wiring.js';
import type { MailSender } from '../email/mail/mail-sender.js';
import type { EmailSettings } from '../email/settings.js';
import { DynamoMailThreads } from '../email/store/mail-threads.js';
import { idsOn } from '../shared/clock/ids.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { csatStore } from './store/wiring.js';
import { CsatEvents, type CsatEventsOutcome } from './survey-events-consumer.js';
import { MailSurveyMailer } from './survey-mail.js';
import { NO_SURVEY_MAIL, type SurveyMailer } from './survey-mailer.js';
import { SurveyMailing } from './survey-mailing.js';
import { SurveyTimers, type SurveyTimersOutcome } from './survey-timers.js';

/** The CSAT background function: survey issuance on resolution, voiding on reopen, mail and expiry timers. */
export const CSAT_EVENTS_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  /** `<API base URL>` of the survey links (the API's stage URL). */
  API_BASE_URL: required(),
  /** The mail gateway's settings as JSON (lib/email.ts); empty: the stack mails nothing (docs/csat.md#mail). */
  EMAIL_SETTINGS: optional(),
});

export interface CsatEventsDeps extends TableDeps {
  /** `<API base URL>` of the survey links (read when a mail is composed: locally the port comes later). */
  readonly apiBaseUrl: () => string;
  /** Absent: no survey mail (surveys still issued; requesters answer on the ticket). */
  readonly mail?: { readonly sender: MailSender; readonly settings: EmailSettings };
}

export interface CsatBackground {
  readonly events: CsatEvents;
  readonly timers: SurveyTimers;
}

/** One assembly for the Lambda (EventBridge rule + schedule) and the local runtime (bus subscriber + sweep). */
export function assembleCsatEvents(deps: CsatEventsDeps): CsatBackground {
  const store = csatStore(deps);
  const tickets = ticketStore(deps);
  const newId = idsOn(deps.clock);
  const mailer: SurveyMailer = deps.mail
    ? new MailSurveyMailer(
        deps.mail.sender,
        new DynamoMailThreads(deps.dynamo, deps.tableName),
        deps.mail.settings,
        deps.apiBaseUrl,
      )
    : NO_SURVEY_MAIL;
  const mailing = new SurveyMailing(store, tickets, mailer, deps.clock, newId);
  return {
    events: new CsatEvents(store, tickets, mailing, deps.clock, newId),
    timers: new SurveyTimers(store, tickets, mailing, deps.clock, newId),
  };
}

/** What the Lambda receives: a bus event (`Ticket Status Changed`) or the every-minute schedule. */
export interface CsatLambdaEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: Record<string, unknown>;
}

export function createCsatEventsHandler(
  background: CsatBackground,
): (event: CsatLambdaEvent) => Promise<CsatEventsOutcome | SurveyTimersOutcome> {
  return (event) => {
    if (event.source === 'aws.events' || event['detail-type'] === 'Scheduled Event') {
      return background.timers.run();
    }
    return background.events.onEvents([
      { detailType: event['detail-type'] ?? '', detail: event.detail ?? {} },
    ]);
  };
}

/** The mail part of the deps from the environment: none when EMAIL_SETTINGS is empty. */
export function csatMailSettingsFrom(json: string): EmailSettings | undefined {
  return json.trim() === '' ? undefined : emailSettingsFrom(json);
}
