/**
 * Configuration items as docs/cmdb.md#configuration-items describes them: the shape responses carry.
 * A service (docs/cmdb.md#services) is a CI of a service-family class with portfolio fields.
 */
export const CI_STATUSES = ['planned', 'ordered', 'in_stock', 'active', 'maintenance', 'retired'] as const;
export type CiStatus = (typeof CI_STATUSES)[number];

export const CI_ENVIRONMENTS = ['production', 'staging', 'test', 'development'] as const;
export type CiEnvironment = (typeof CI_ENVIRONMENTS)[number];

export const PORTFOLIO_STATUSES = ['pipeline', 'live', 'retired'] as const;
export type PortfolioStatus = (typeof PORTFOLIO_STATUSES)[number];

export type Criticality = 1 | 2 | 3 | 4;

export interface AssetCost {
  readonly amount: string;
  readonly currency: string;
}

export interface Asset {
  readonly serialNumber?: string;
  readonly assetTag?: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly supplier?: string;
  readonly purchasedOn?: string;
  readonly warrantyUntil?: string;
  readonly cost?: AssetCost;
}

export interface Redundancy {
  readonly minUp: number;
  readonly unit: 'count' | 'percent';
}

/** Services this CI belongs to, kept by the closure maintainer from the stream (seconds behind). */
export interface CiClosure {
  readonly serviceIds: readonly string[];
  readonly computedAt: string | null;
  readonly truncated: boolean;
}

/** Portfolio fields a service-family CI carries besides the CI's own (docs/cmdb.md#services). */
export interface ServiceFields {
  readonly portfolioStatus: PortfolioStatus;
  readonly serviceHoursCalendarId: string;
  readonly availabilityTarget: number | null;
}

export interface Ci {
  readonly id: string;
  readonly class: string;
  readonly name: string;
  readonly description: string;
  readonly status: CiStatus;
  readonly environment: CiEnvironment;
  readonly criticality: Criticality;
  readonly owner: string | null;
  readonly ownerGroup: string | null;
  readonly supportGroup: string | null;
  readonly location: string | null;
  readonly asset: Asset;
  readonly identifiers: readonly string[];
  readonly attributes: Record<string, unknown>;
  readonly redundancy: Redundancy | null;
  readonly closure: CiClosure;
  /** Present on service-family CIs only. */
  readonly service?: ServiceFields;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a CI write may set: everything but the read-only fields. */
export type CiInput = Omit<Ci, 'id' | 'closure' | 'version' | 'createdAt' | 'updatedAt'>;

/** The fields of a CI write, in history order: what a PUT sets and what history compares. */
export const CI_INPUT_FIELDS = [
  'class',
  'name',
  'description',
  'status',
  'environment',
  'criticality',
  'owner',
  'ownerGroup',
  'supportGroup',
  'location',
  'asset',
  'identifiers',
  'attributes',
  'redundancy',
  'service',
] as const satisfies readonly (keyof CiInput)[];

/**
 * Lifecycle moves (docs/cmdb.md#lifecycle): forward through procurement, active ⇄ maintenance, and
 * any non-retired status to retired. Leaving retired is an admin's correction, to any status.
 */
export const CI_TRANSITIONS: Record<CiStatus, readonly CiStatus[]> = {
  planned: ['ordered', 'in_stock', 'active', 'retired'],
  ordered: ['in_stock', 'active', 'retired'],
  in_stock: ['active', 'retired'],
  active: ['maintenance', 'retired'],
  maintenance: ['active', 'retired'],
  retired: [],
};

export const SERVICE_CLASSES = ['business_service', 'technical_service'] as const;
export type ServiceClass = (typeof SERVICE_CLASSES)[number];

export function isServiceClass(classId: string): classId is ServiceClass {
  return (SERVICE_CLASSES as readonly string[]).includes(classId);
}

/** A service is live when its portfolio says so; only live services may be named by tickets. */
export function isLiveService(ci: Ci | undefined): boolean {
  return ci !== undefined && isServiceClass(ci.class) && ci.service?.portfolioStatus === 'live';
}

/** Bounds of docs/cmdb.md#limits. */
export const CMDB_LIMITS = {
  identifiersPerCi: 20,
  relationshipsPerDirection: 500,
  attributesBytes: 16 * 1024,
  impactNodeCap: 2_000,
  maxImpactDepth: 10,
  defaultImpactDepth: 5,
  failedSetSize: 50,
  dependenciesPerCall: 50,
  /** Days before `warrantyUntil` that `CI Warranty Expiring` is raised. */
  warrantyNoticeDays: 30,
} as const;

/** A CI's history entry: field changes, status moves, relationship adds and removals. */
export interface CiHistoryEntry {
  readonly id: string;
  readonly recordId: string;
  readonly at: string;
  readonly actor: { readonly id: string; readonly name: string | null };
  readonly action: 'created' | 'updated' | 'relationship_added' | 'relationship_removed' | 'warranty';
  readonly changes: readonly { readonly field: string; readonly from: unknown; readonly to: unknown }[];
  readonly events: readonly { readonly detailType: string; readonly detail: Record<string, unknown> }[];
}
