import { affectedServiceIds, checkCiIds } from '../cmdb/ci-directory.js';
import { type Ci, isLiveService } from '../cmdb/model.js';
import { UnprocessableError } from '../shared/errors.js';
import type { AffectedService, Ticket } from './model.js';

/**
 * What a ticket write read from the CMDB: the ids it asked for, and those that exist. An id asked
 * for and not found is unknown to the CMDB; one never asked for is simply not known here.
 */
export interface CiLookup {
  readonly asked: ReadonlySet<string>;
  readonly found: ReadonlyMap<string, Ci>;
}

export const NO_CIS: CiLookup = { asked: new Set(), found: new Map() };

/** The CMDB ids a create or PATCH body names: its CIs and its service, read in one batch. */
export function cmdbIdsOf(input: { ciIds?: readonly string[]; serviceId?: string | null }): string[] {
  return [...new Set([...(input.ciIds ?? []), ...(input.serviceId ? [input.serviceId] : [])])];
}

/**
 * The CI rule of docs/api.md#tickets-in-brief on the ids a body lists (`written`, in the body's
 * order so paths name its indexes): strict, each id not already on the ticket must exist and not
 * be retired (422 `unknown_ci` / `retired_ci` at `ciIds.<index>`, or at `at` when the body names
 * one CI in another field, as a link's `targetId` does). Answers the ids the CMDB did not know.
 */
export function checkWrittenCis(
  written: readonly string[],
  lookup: CiLookup,
  options: { readonly strict: boolean; readonly alreadyOnRecord: readonly string[]; readonly at?: string },
): string[] {
  const { unknownCiIds } = checkCiIds(written, lookup.found, options);
  return [...new Set(unknownCiIds)];
}

/** A ticket may name only a live service: else 422 `service_not_live` at `serviceId`. */
export function assertLiveService(serviceId: string, lookup: CiLookup): void {
  const service = lookup.found.get(serviceId);
  if (isLiveService(service)) return;
  const why = service ? `is not a live service` : 'is not a service the CMDB knows';
  throw new UnprocessableError(`serviceId: ${serviceId} ${why}`, 'service_not_live', [
    { path: 'serviceId', message: `${serviceId} ${why}` },
  ]);
}

/** The ids of the services a ticket affects: its CIs' closures plus its `serviceId` (first). */
export function affectedIdsOf(ticket: Pick<Ticket, 'ciIds' | 'serviceId'>, lookup: CiLookup): string[] {
  const cis = ticket.ciIds.flatMap((id) => lookup.found.get(id) ?? []);
  return affectedServiceIds(cis, ticket.serviceId);
}

/** `{id, name}` for each affected service; one the CMDB no longer answers for keeps its id as name. */
export function namedServices(ids: readonly string[], services: ReadonlyMap<string, Ci>): AffectedService[] {
  return ids.map((id) => ({ id, name: services.get(id)?.name ?? id }));
}
