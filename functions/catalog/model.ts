import type { RequestTask } from '../tickets/model.js';

/** A catalog item's lifecycle (docs/catalog.md#catalog-items): published items take requests. */
export const CATALOG_ITEM_STATUSES = ['draft', 'published', 'retired'] as const;
export type CatalogItemStatus = (typeof CATALOG_ITEM_STATUSES)[number];

export const APPROVAL_POLICIES = ['none', 'all', 'any'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

/** Bounds of docs/catalog.md#limits. */
export const CATALOG_LIMITS = {
  approvalGroups: 5,
  steps: 20,
  audienceGroups: 20,
  /** A submitted form, serialised (§12: forms ≤ 64 KiB). */
  formBytes: 64 * 1024,
  /** §12 defaults for the approval timers. */
  escalateAfterHours: 24,
  expireAfterHours: 72,
} as const;

export interface FulfilmentStep {
  readonly id: string;
  readonly name: string;
  readonly groupId: string;
  readonly after: readonly string[];
  readonly instructions: string | null;
}

export interface ApprovalRule {
  readonly policy: ApprovalPolicy;
  readonly groups: readonly string[];
  /** A JSON Schema: approval is needed only when the form is valid against it; null: always. */
  readonly requiredWhen: Record<string, unknown> | null;
  readonly escalateAfterHours: number;
  readonly expireAfterHours: number;
}

export interface CatalogDefaults {
  readonly impact: 1 | 2 | 3;
  readonly urgency: 1 | 2 | 3;
  readonly category: string | null;
}

export interface CatalogItem {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly category: string | null;
  /** A live service of the CMDB when written. */
  readonly serviceId: string;
  readonly status: CatalogItemStatus;
  /** Groups whose members (requesters) see the item; empty: every authenticated user. */
  readonly audience: { readonly groups: readonly string[] };
  /** JSON Schema 2020-12 with `type: "object"` at its root, within docs/catalog.md#limits. */
  readonly formSchema: Record<string, unknown>;
  readonly approval: ApprovalRule;
  readonly fulfilment: { readonly steps: readonly FulfilmentStep[] };
  readonly defaults: CatalogDefaults;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** +1 on every PUT; requests pin the version they were submitted against. */
  readonly version: number;
}

/** The PUT body after edge validation. */
export interface CatalogItemInput {
  readonly name: string;
  readonly description?: string;
  readonly category?: string | null;
  readonly serviceId: string;
  readonly status?: CatalogItemStatus;
  readonly audience?: { readonly groups: readonly string[] };
  readonly formSchema: Record<string, unknown>;
  readonly approval?: {
    readonly policy: ApprovalPolicy;
    readonly groups?: readonly string[];
    readonly requiredWhen?: Record<string, unknown> | null;
    readonly escalateAfterHours?: number;
    readonly expireAfterHours?: number;
  };
  readonly fulfilment?: {
    readonly steps: readonly {
      readonly id: string;
      readonly name: string;
      readonly groupId: string;
      readonly after?: readonly string[];
      readonly instructions?: string | null;
    }[];
  };
  readonly defaults?: {
    readonly impact?: 1 | 2 | 3;
    readonly urgency?: 1 | 2 | 3;
    readonly category?: string | null;
  };
}

/** A catalog item's audit entry (its history item carries the events: the outbox). */
export interface CatalogHistoryEntry {
  readonly id: string;
  readonly recordId: string;
  readonly at: string;
  readonly actor: { readonly id: string; readonly name: string | null };
  readonly action: 'created' | 'updated';
  readonly changes: readonly { readonly field: string; readonly from: unknown; readonly to: unknown }[];
  readonly events: readonly { readonly detailType: string; readonly detail: Record<string, unknown> }[];
}

/** The tasks a new request starts with: all `pending` (they open when the request is approved). */
export function pendingTasks(steps: readonly FulfilmentStep[]): RequestTask[] {
  return steps.map((step) => ({
    id: step.id,
    name: step.name,
    groupId: step.groupId,
    after: [...step.after],
    instructions: step.instructions,
    status: 'pending' as const,
    assignee: null,
    notes: null,
  }));
}
