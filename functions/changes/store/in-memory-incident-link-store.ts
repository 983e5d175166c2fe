import { InMemoryTable } from '../../shared/memory/in-memory-table.js';
import { changeKey, changePk, INCIDENT_LINK_PREFIX, incidentLinkKey } from './change-keys.js';
import {
  type ChangeIncidentLink,
  type IncidentLinkStore,
  MAX_INCIDENT_LINKS_SHOWN,
} from './incident-link-store.js';

/**
 * IncidentLinkStore without DynamoDB, over the InMemoryTable the change store uses (pass the same
 * one). The in-memory ticket store carries no companion, so the tickets write the link apart.
 */
export class InMemoryIncidentLinkStore implements IncidentLinkStore {
  constructor(readonly table: InMemoryTable = new InMemoryTable()) {}

  async exists(changeId: string): Promise<boolean> {
    return this.table.get(changeKey(changeId)) !== undefined;
  }

  companion(): undefined {
    return undefined;
  }

  async write(changeId: string, incidentId: string, at: string): Promise<void> {
    this.table.put({ ...incidentLinkKey(changeId, incidentId), changeId, incidentId, linkedAt: at });
  }

  async list(changeId: string): Promise<ChangeIncidentLink[]> {
    const out = this.table.query({
      partition: changePk(changeId),
      range: (sortKey) => sortKey.startsWith(INCIDENT_LINK_PREFIX),
      limit: MAX_INCIDENT_LINKS_SHOWN,
    });
    return out.items.map((item) => ({ type: 'causes_incident', targetId: String(item.incidentId) }));
  }
}
