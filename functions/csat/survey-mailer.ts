import type { Ticket } from '../tickets/model.js';
import type { Survey } from './model.js';

/**
 * Sends a survey's mail (docs/csat.md#mail). The link carries the token, which exists in clear
 * only between its minting and this call: it never goes through the bus, the table or a log.
 * `not-mailed`: the stack mails nothing, or the requester's address takes no automatic mail; the
 * survey still counts as sent (the requester can answer it on the ticket through the API).
 */
export interface SurveyMailer {
  send(input: {
    readonly ticket: Ticket;
    readonly survey: Survey;
    readonly token: string;
  }): Promise<'mailed' | 'not-mailed'>;
}

/** A stack that mails nothing (no email domain): surveys are answered through the API only. */
export const NO_SURVEY_MAIL: SurveyMailer = { send: async () => 'not-mailed' };
