import type { Caller } from '../shared/authz.js';
import type { KnownErrorCompanion, KnownErrorRecords } from '../tickets/known-error-suggestions.js';
import type { Ticket } from '../tickets/model.js';
import { formatKnownErrorId, KNOWN_ERROR_ID_PATTERN } from './model.js';
import { creationHistory, newKnownError } from './rules.js';
import type { KnownErrorStore } from './store/error-store.js';

/**
 * What a problem's move to `known_error` asks (docs/problems.md#problems): whether a named error
 * exists, the next id, and a published error from the problem, written in the ticket's transaction.
 */
export class ProblemKnownErrors implements KnownErrorRecords {
  constructor(private readonly store: KnownErrorStore) {}

  async exists(id: string): Promise<boolean> {
    return KNOWN_ERROR_ID_PATTERN.test(id) && (await this.store.get(id)) !== undefined;
  }

  async nextId(): Promise<string> {
    return formatKnownErrorId(await this.store.nextSequence());
  }

  forProblem(
    problem: Ticket,
    id: string,
    workaround: string,
    caller: Caller,
    stamp: { readonly now: string; readonly eventId: string },
  ): KnownErrorCompanion {
    const error = newKnownError(
      id,
      {
        title: problem.title,
        status: 'published',
        symptom: problem.description,
        workaround,
        problemId: problem.id,
        // The problem's CIs were checked when written to it; the error takes them as they are.
        ciIds: problem.ciIds,
        serviceIds: problem.serviceId ? [problem.serviceId] : [],
      },
      problem.unknownCiIds,
      stamp,
    );
    // Its own history id: the ticket's entry has the stamp's.
    const history = creationHistory(error, caller, { ...stamp, eventId: `${stamp.eventId}-ke` });
    return this.store.join({ after: error, history });
  }
}
