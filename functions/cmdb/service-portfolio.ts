import { type Caller, canReadAllTickets } from '../shared/authz.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/store.js';
import type { SlaConfigStore } from '../sla/store/sla-config-store.js';
import type { CiService } from './ci-service.js';
import {
  type Ci,
  type CiInput,
  CMDB_LIMITS,
  isServiceClass,
  type PortfolioStatus,
  type ServiceFields,
} from './model.js';
import type { RelationshipService } from './relationship-service.js';
import type { CmdbStore } from './store/cmdb-store.js';

/** A service as GET /services/{id} shows it to staff: the CI, its portfolio fields, its SLA policies. */
export type ServiceView = Omit<Ci, 'service'> & ServiceFields & { readonly slaPolicyIds: readonly string[] };

/** What requesters see of a live service. */
export interface PublicServiceView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

/** PUT /services/{id}: a CI input whose portfolio fields sit beside the CI's. */
export type ServiceInput = Omit<CiInput, 'service' | 'owner' | 'supportGroup'> &
  ServiceFields & { readonly owner: string; readonly supportGroup: string };

const PORTFOLIO_MOVES: Record<PortfolioStatus, readonly PortfolioStatus[]> = {
  pipeline: ['live', 'retired'],
  live: ['retired'],
  retired: [],
};

/** Services (docs/cmdb.md#services): CIs of the service family with a portfolio life of their own. */
export class ServicePortfolio {
  constructor(
    private readonly store: CmdbStore,
    private readonly cis: CiService,
    private readonly relationships: RelationshipService,
    private readonly sla: SlaConfigStore,
  ) {}

  async put(caller: Caller, id: string, input: ServiceInput, ifMatch: number | undefined) {
    const { portfolioStatus, serviceHoursCalendarId, availabilityTarget, ...ci } = input;
    const [before, config] = await Promise.all([this.store.getCi(id), this.sla.load()]);
    if (!config.calendars.has(serviceHoursCalendarId))
      throw new ValidationError([
        { path: 'serviceHoursCalendarId', message: `unknown calendar ${serviceHoursCalendarId}` },
      ]);
    const from = before?.service?.portfolioStatus;
    if (from !== undefined && from !== portfolioStatus && !PORTFOLIO_MOVES[from].includes(portfolioStatus)) {
      throw new ConflictError(`A service cannot move from ${from} to ${portfolioStatus}`, {
        code: 'invalid_transition',
        from,
        to: portfolioStatus,
        allowed: PORTFOLIO_MOVES[from],
      });
    }
    const { ci: written, created } = await this.cis.put(
      caller,
      id,
      { ...ci, service: { portfolioStatus, serviceHoursCalendarId, availabilityTarget } },
      ifMatch,
      { service: true },
    );
    return { service: this.view(written, config.policies), created };
  }

  async get(caller: Caller, id: string): Promise<ServiceView | PublicServiceView> {
    const [ci, config] = await Promise.all([this.store.getCi(id), this.sla.load()]);
    if (!ci?.service || !isServiceClass(ci.class)) throw new NotFoundError(`Service ${id} not found`);
    if (canReadAllTickets(caller)) return this.view(ci, config.policies);
    if (ci.service.portfolioStatus !== 'live') throw new NotFoundError(`Service ${id} not found`);
    return publicView(ci);
  }

  /** Staff: every service, filtered; requesters: live ones only, as `{id, name, description}`. */
  async list(
    caller: Caller,
    filter: { portfolioStatus?: PortfolioStatus; class?: string },
    page: PageRequest,
  ): Promise<Page<ServiceView | PublicServiceView>> {
    const staff = canReadAllTickets(caller);
    const portfolioStatus = staff ? filter.portfolioStatus : 'live';
    if (!staff && filter.portfolioStatus !== undefined && filter.portfolioStatus !== 'live')
      return { items: [] };
    const [found, config] = await Promise.all([
      this.store.listCis(
        {
          services: true,
          ...(portfolioStatus !== undefined && { portfolioStatus }),
          ...(filter.class !== undefined && { classes: [filter.class] }),
        },
        page,
      ),
      this.sla.load(),
    ]);
    return {
      ...found,
      items: found.items.map((ci) => (staff ? this.view(ci, config.policies) : publicView(ci))),
    };
  }

  /** `depends_on` from the service to each CI: 200 `{added, existing}` (each one its own transaction). */
  async addDependencies(caller: Caller, id: string, ciIds: readonly string[]) {
    const unique = [...new Set(ciIds)];
    if (unique.length > CMDB_LIMITS.dependenciesPerCall)
      throw new ValidationError([{ path: 'ciIds', message: `at most ${CMDB_LIMITS.dependenciesPerCall}` }]);
    const found = await this.store.getCis([id, ...unique]);
    const service = found.get(id);
    if (!service || !isServiceClass(service.class)) throw new NotFoundError(`Service ${id} not found`);
    const itself = ciIds.flatMap((ciId, index) =>
      ciId === id ? [{ path: `ciIds.${index}`, message: 'a service cannot depend on itself' }] : [],
    );
    if (itself.length > 0) throw new ValidationError(itself);
    const errors = ciIds
      .map((ciId, index) => ({ ciId, index }))
      .filter(({ ciId }) => !found.has(ciId))
      .map(({ ciId, index }) => ({ path: `ciIds.${index}`, message: `unknown CI ${ciId}` }));
    if (errors.length > 0) throw new UnprocessableError('Unknown CIs', 'unknown_ci', errors);
    const retired = ciIds
      .map((ciId, index) => ({ ciId, index }))
      .filter(({ ciId }) => found.get(ciId)?.status === 'retired')
      .map(({ ciId, index }) => ({ path: `ciIds.${index}`, message: `CI ${ciId} is retired` }));
    if (retired.length > 0) throw new UnprocessableError('Retired CIs', 'retired_ci', retired);
    const added: string[] = [];
    const existing: string[] = [];
    // One after another: each is a transaction on the service's own item (its counters), so in
    // parallel they would only conflict.
    for (const target of unique) {
      const outcome = await this.relationships.add(caller, id, { type: 'depends_on', target });
      (outcome.created ? added : existing).push(target);
    }
    return { added, existing };
  }

  private view(
    ci: Ci,
    policies: readonly { id: string; match: { serviceIds?: readonly string[] } }[],
  ): ServiceView {
    const { service, ...rest } = ci;
    return {
      ...rest,
      ...service!,
      slaPolicyIds: policies.filter((p) => p.match.serviceIds?.includes(ci.id)).map((p) => p.id),
    };
  }
}

function publicView(ci: Ci): PublicServiceView {
  return { id: ci.id, name: ci.name, description: ci.description };
}
