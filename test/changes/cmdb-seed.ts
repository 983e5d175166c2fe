import type { Ci } from '../../functions/cmdb/model.js';
import type { RelationshipType } from '../../functions/cmdb/relationship-types.js';
import type { CmdbStore } from '../../functions/cmdb/store/cmdb-store.js';
import { aCi } from '../cmdb/store/cmdb-fixtures.js';

const AT = '2026-11-01T10:00:00.000Z';

/**
 * A CMDB for change tests: a CmdbStore (in memory on the changes' own table, or DynamoDB Local),
 * filled through its write methods, no domain rules: CIs, impact relationships and service
 * memberships (which keep each member's `closure.serviceIds`, as the closure maintainer does).
 */
export class CmdbSeed {
  private counter = 0;

  constructor(readonly store: CmdbStore) {}

  /** An active production server (criticality 3 unless given). */
  async ci(id: string, fields: Partial<Ci> = {}): Promise<Ci> {
    const ci = aCi(id, { createdAt: AT, updatedAt: AT, ...fields });
    await this.store.putCi({ after: ci, history: this.entry(id, 'created') });
    return ci;
  }

  /** A business service, live unless `portfolioStatus` says otherwise; `members` join its closure. */
  async service(
    id: string,
    options: {
      readonly members?: readonly string[];
      readonly portfolioStatus?: 'pipeline' | 'live' | 'retired';
      readonly class?: 'business_service' | 'technical_service';
      readonly criticality?: Ci['criticality'];
    } = {},
  ): Promise<Ci> {
    const service = await this.ci(id, {
      class: options.class ?? 'business_service',
      name: `Service ${id}`,
      criticality: options.criticality ?? 2,
      service: {
        portfolioStatus: options.portfolioStatus ?? 'live',
        serviceHoursCalendarId: '24x7',
        availabilityTarget: null,
      },
    });
    if (options.members && options.members.length > 0) await this.members(id, options.members);
    return service;
  }

  /** `source —type→ target` (depends_on: target failing impacts source). */
  async relate(source: string, type: RelationshipType, target: string): Promise<void> {
    const [from, to] = [await this.store.getCi(source), await this.store.getCi(target)];
    if (!from || !to) throw new Error(`relate ${source} ${type} ${target}: unknown CI`);
    const added = await this.store.addRelationship({
      relationship: { source, type, target, createdAt: AT, createdBy: 'ann' },
      source: from,
      target: to,
      history: [this.entry(source, 'relationship_added'), this.entry(target, 'relationship_added')],
    });
    if (!added) throw new Error(`relate ${source} ${type} ${target}: already there`);
  }

  /** Adds CIs to a service's membership (and the service to their closures). */
  async members(serviceId: string, ciIds: readonly string[]): Promise<void> {
    await this.store.applyServiceMembership(serviceId, { added: ciIds, removed: [], truncated: false }, AT);
  }

  private entry(recordId: string, action: 'created' | 'relationship_added') {
    this.counter += 1;
    return {
      id: `01JC${String(this.counter).padStart(22, '0')}`,
      recordId,
      at: AT,
      actor: { id: 'ann', name: 'Ann' },
      action,
      changes: [],
      events: [],
    };
  }
}

/**
 * The graph the assessment tests share:
 *
 *   db-1 (criticality 1) ⇒ app-1 ⇒ lb-1         impact edges: app-1 and lb-1 depend on the one before
 *                          app-1 ⇒ payments      the payments service depends on app-1
 *   closures: db-1 → payments, shop, billing (live business), backoffice (technical), legacy (retired)
 *             app-1, pay-api → payments; web-1 → shop; tech-node → backoffice
 *   old-1 is retired; crm-db belongs to no service.
 */
export async function seedPaymentsGraph(cmdb: CmdbSeed): Promise<void> {
  await cmdb.ci('db-1', { criticality: 1 });
  for (const id of ['app-1', 'lb-1', 'pay-api', 'crm-db', 'tech-node']) await cmdb.ci(id);
  await cmdb.ci('web-1', { criticality: 4 });
  await cmdb.ci('old-1', { status: 'retired' });
  await cmdb.relate('app-1', 'depends_on', 'db-1');
  await cmdb.relate('lb-1', 'depends_on', 'app-1');
  await cmdb.service('payments', { members: ['db-1', 'app-1', 'pay-api'] });
  await cmdb.relate('payments', 'depends_on', 'app-1');
  await cmdb.service('shop', { members: ['web-1', 'db-1'], criticality: 3 });
  await cmdb.service('billing', { members: ['db-1'], criticality: 3 });
  await cmdb.service('backoffice', { members: ['db-1', 'tech-node'], class: 'technical_service' });
  await cmdb.service('legacy', { members: ['db-1'], portfolioStatus: 'retired' });
}
