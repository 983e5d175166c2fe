import { SERVICE_CLASSES } from './model.js';

/**
 * CI classes (docs/cmdb.md#classes): a tree whose attribute schemas inherit down the parent chain.
 * The effective schema of a class is the `allOf` of its chain, so a subclass can only narrow.
 */
export interface CiClass {
  readonly id: string;
  readonly name: string;
  readonly parent: string | null;
  readonly abstract: boolean;
  /** JSON Schema 2020-12 within the schema limits (docs/cmdb.md#classes); `{}` accepts anything. */
  readonly attributesSchema: Record<string, unknown>;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type SeedClass = Pick<CiClass, 'id' | 'name' | 'parent' | 'abstract'>;

/** The classes every stack starts with. */
export const SEEDED_CLASSES: readonly SeedClass[] = [
  { id: 'hardware', name: 'Hardware', parent: null, abstract: true },
  { id: 'server', name: 'Server', parent: 'hardware', abstract: false },
  { id: 'network_device', name: 'Network device', parent: 'hardware', abstract: false },
  { id: 'storage_device', name: 'Storage device', parent: 'hardware', abstract: false },
  { id: 'workstation', name: 'Workstation', parent: 'hardware', abstract: false },
  { id: 'virtual_machine', name: 'Virtual machine', parent: null, abstract: false },
  { id: 'cluster', name: 'Cluster', parent: null, abstract: false },
  { id: 'software', name: 'Software', parent: null, abstract: true },
  { id: 'application', name: 'Application', parent: 'software', abstract: false },
  { id: 'database', name: 'Database', parent: 'software', abstract: false },
  { id: 'middleware', name: 'Middleware', parent: 'software', abstract: false },
  { id: 'cloud_resource', name: 'Cloud resource', parent: null, abstract: false },
  { id: 'business_service', name: 'Business service', parent: null, abstract: false },
  { id: 'technical_service', name: 'Technical service', parent: null, abstract: false },
];

/** Longest parent chain walked; deeper (or cyclic) chains are refused at write time. */
export const MAX_CLASS_DEPTH = 10;

export type ClassIndex = ReadonlyMap<string, CiClass>;

/** The class and its ancestors, nearest first; stops at a missing parent or a repeat. */
export function chainOf(classId: string, classes: ClassIndex): CiClass[] {
  const chain: CiClass[] = [];
  const seen = new Set<string>();
  let current = classes.get(classId);
  while (current && !seen.has(current.id) && chain.length <= MAX_CLASS_DEPTH) {
    chain.push(current);
    seen.add(current.id);
    current = current.parent ? classes.get(current.parent) : undefined;
  }
  return chain;
}

/** Whether giving `classId` the parent `parent` would close a loop. */
export function wouldCycle(classId: string, parent: string | null, classes: ClassIndex): boolean {
  if (parent === null) return false;
  if (parent === classId) return true;
  return chainOf(parent, classes).some((ancestor) => ancestor.id === classId);
}

/** The schema a CI of the class must satisfy: every schema of its chain that constrains anything. */
export function effectiveSchema(classId: string, classes: ClassIndex): Record<string, unknown> {
  const schemas = chainOf(classId, classes)
    .reverse()
    .map((c) => c.attributesSchema)
    .filter((schema) => Object.keys(schema).length > 0);
  if (schemas.length === 0) return {};
  return schemas.length === 1 ? schemas[0]! : { allOf: schemas };
}

/** Cache key of a class's effective schema: changes whenever any class of its chain changes. */
export function effectiveSchemaKey(classId: string, classes: ClassIndex): string {
  return `class:${chainOf(classId, classes)
    .map((c) => `${c.id}@${c.version}`)
    .join('>')}`;
}

/** The class and every class below it that a CI may have (abstract ones hold no CIs). */
export function concreteSubclasses(classId: string, classes: ClassIndex): string[] {
  return [...classes.values()]
    .filter((c) => !c.abstract && chainOf(c.id, classes).some((ancestor) => ancestor.id === classId))
    .map((c) => c.id)
    .sort();
}

/** Service-family classes: the two service classes and anything below them. */
export function isServiceFamily(classId: string, classes: ClassIndex): boolean {
  return chainOf(classId, classes).some((c) => (SERVICE_CLASSES as readonly string[]).includes(c.id));
}
