import type { ChangeLinks } from '../../tickets/change-links.js';

/** Most `causes_incident` links a change read returns (one Query page; the lowest incident ids). */
export const MAX_INCIDENT_LINKS_SHOWN = 100;

/** An incident a change caused, as the change lists it (read-only, docs/ticket-metrics.md#caused-by-change). */
export interface ChangeIncidentLink {
  readonly type: 'causes_incident';
  readonly targetId: string;
}

/**
 * The reverse side of `caused_by_change` links: one item per incident on the change's partition
 * (`CHANGE#<id>` / `INCIDENT#<incidentId>`), written in the incident's link transaction (the
 * ChangeLinks port the tickets use), read with the change in one parallel Query.
 */
export interface IncidentLinkStore extends ChangeLinks {
  /** Up to MAX_INCIDENT_LINKS_SHOWN links, by incident id (one Query). */
  list(changeId: string): Promise<ChangeIncidentLink[]>;
}
