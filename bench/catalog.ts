/**
 * Service catalog costs (docs/performance.md, "Service catalog"), against DynamoDB Local with the
 * stores and per-container caches the catalog function uses:
 *
 * 1. DynamoDB round trips of the request paths: a submission that needs approval, an approval
 *    decision, a task PATCH (each sampled after a warm-up, as a warm Lambda container answers);
 *    sequential round trips = the longest chain of calls each started after the one before it
 *    had answered (calls in flight together count once).
 * 2. Form validation of a 50-field schema through SchemaValidators: the compile on a cache miss
 *    against a validate with the validator cached per `${itemId}#${version}` (stats()).
 *
 * `npm run bench` runs it (BENCH_SKIP=catalog skips it); `npx tsx bench/catalog.ts` runs it alone.
 */
import { pathToFileURL } from 'node:url';
import { GroupMembers } from '../functions/catalog/access.js';
import { CatalogItemService } from '../functions/catalog/item-service.js';
import { RequestService } from '../functions/catalog/request-service.js';
import { catalogStore } from '../functions/catalog/store/wiring.js';
import { CiService } from '../functions/cmdb/ci-service.js';
import { ClassCatalogue } from '../functions/cmdb/class-catalogue.js';
import { RelationshipService } from '../functions/cmdb/relationship-service.js';
import { ServicePortfolio } from '../functions/cmdb/service-portfolio.js';
import { ciDirectory, cmdbStore } from '../functions/cmdb/store/wiring.js';
import { groupStore } from '../functions/groups/store/wiring.js';
import { seedDefaults } from '../functions/seed/defaults.js';
import type { Caller, Role } from '../functions/shared/authz.js';
import { systemClock } from '../functions/shared/clock/clock.js';
import { idsOn } from '../functions/shared/clock/ids.js';
import { SchemaValidators } from '../functions/shared/json-schema/compiled.js';
import { slaConfigStore } from '../functions/sla/store/wiring.js';
import { ticketStore } from '../functions/tickets/store/wiring.js';
import { progress } from './progress.js';
import { countDynamoCalls, measureCalls, sequentialRoundTrips } from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';

const SAMPLES = Number(process.env.BENCH_CATALOG_SAMPLES ?? 5);
const VALIDATIONS = 2_000;

export interface CatalogPathCost {
  readonly path: string;
  /** Median calls, sequential round trips and ms over the samples. */
  readonly calls: number;
  readonly sequential: number;
  readonly maxSequential: number;
  readonly ms: number;
}

export interface CatalogBenchResult {
  readonly paths: CatalogPathCost[];
  readonly validation: {
    readonly fields: number;
    readonly compileMs: number;
    readonly cachedValidateUs: number;
    readonly validations: number;
    readonly cacheHits: number;
  };
}

const caller = (id: string, roles: Role[]): Caller => ({ id, roles: new Set(roles), email: null, name: id });
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** A form schema with `fields` properties of mixed types, as a large catalog form has. */
export function wideFormSchema(fields: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < fields; i++) {
    properties[`field${i}`] = [
      { type: 'string', minLength: 1, maxLength: 200 },
      { type: 'integer', minimum: 0, maximum: 1000 },
      { type: 'string', enum: ['a', 'b', 'c'] },
      { type: 'string', format: 'date' },
      { type: 'string', pattern: '^[A-Z]{2}-[0-9]{4}$' },
    ][i % 5];
  }
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).slice(0, 10),
    additionalProperties: false,
  };
}

export function wideForm(fields: number): Record<string, unknown> {
  const form: Record<string, unknown> = {};
  for (let i = 0; i < fields; i++) form[`field${i}`] = ['text', 42, 'b', '2026-12-07', 'AB-1234'][i % 5];
  return form;
}

export function benchValidation(fields = 50): CatalogBenchResult['validation'] {
  const schemas = new SchemaValidators();
  const schema = wideFormSchema(fields);
  const form = wideForm(fields);
  if (schemas.checkSchema(schema, 'formSchema', { rootType: 'object' }).length > 0)
    throw new Error('bench schema invalid');
  if (schemas.validate('wide#1', schema, form, 'form').length > 0) throw new Error('bench form invalid');
  const afterFirst = schemas.stats();
  for (let i = 0; i < VALIDATIONS; i++) schemas.validate('wide#1', schema, form, 'form');
  const stats = schemas.stats();
  return {
    fields,
    compileMs: round2(afterFirst.compileMs / afterFirst.compiles),
    cachedValidateUs: round2(((stats.validateMs - afterFirst.validateMs) / VALIDATIONS) * 1000),
    validations: stats.validations,
    cacheHits: stats.cacheHits,
  };
}

export async function benchCatalog(): Promise<CatalogBenchResult> {
  return withBenchTable('catalog', async ({ dynamo, tableName }) => {
    const deps = { dynamo, tableName, clock: systemClock };
    const newId = idsOn(systemClock);
    const admin = caller('ada', ['admin']);
    const groups = groupStore(deps);
    const now = new Date().toISOString();
    // The stack's seed: groups (service-desk …), calendars and SLA policies, CI classes.
    await seedDefaults(deps);
    for (const [id, members] of [
      ['it-approvers', ['ava']],
      ['desktop', ['dan']],
    ] as const) {
      await groups.put(
        {
          id,
          name: id,
          members: [...members],
          email: null,
          calendarId: null,
          createdAt: now,
          updatedAt: now,
          version: 1,
        },
        0,
      );
    }
    const cmdb = cmdbStore(deps);
    const sla = slaConfigStore(deps);
    const schemas = new SchemaValidators();
    const cis = new CiService(
      cmdb,
      new ClassCatalogue(cmdb, systemClock),
      groups,
      schemas,
      systemClock,
      newId,
    );
    const portfolio = new ServicePortfolio(cmdb, cis, new RelationshipService(cmdb, systemClock, newId), sla);
    await portfolio.put(
      admin,
      'workplace',
      {
        class: 'business_service',
        name: 'Workplace',
        description: '',
        status: 'active',
        environment: 'production',
        criticality: 2,
        owner: 'olga',
        ownerGroup: null,
        supportGroup: 'service-desk',
        location: null,
        asset: {},
        identifiers: [],
        attributes: {},
        redundancy: null,
        portfolioStatus: 'live',
        serviceHoursCalendarId: '24x7',
        availabilityTarget: null,
      },
      undefined,
    );
    const store = catalogStore(deps);
    const members = new GroupMembers(groups, systemClock);
    const directory = ciDirectory(deps);
    const items = new CatalogItemService(store, groups, members, directory, schemas, systemClock, newId);
    const requests = new RequestService(
      ticketStore(deps),
      store,
      sla,
      members,
      directory,
      schemas,
      systemClock,
      newId,
    );
    await items.put(
      admin,
      'laptop',
      {
        name: 'Laptop',
        serviceId: 'workplace',
        status: 'published',
        formSchema: wideFormSchema(50),
        approval: { policy: 'any', groups: ['it-approvers'] },
        fulfilment: { steps: [{ id: 'image', name: 'Image', groupId: 'desktop' }] },
      },
      undefined,
    );
    const counter = countDynamoCalls(dynamo);
    const measure = async (act: () => Promise<unknown>) => {
      const { log, ms } = await measureCalls(counter, act);
      return { calls: log.length, sequential: sequentialRoundTrips(log), ms };
    };
    const rita = caller('rita', ['requester']);
    const ava = caller('ava', ['approver']);
    const dan = caller('dan', ['agent']);
    const form = wideForm(50);
    const ids: string[] = [];
    // Warm-up: the containers' caches (SLA configuration, service, group members, validator).
    const warm = await requests.submit(rita, 'laptop', { form });
    await requests.decide(ava, warm.id, { decision: 'approve' });
    await requests.patchTask(dan, warm.id, 'image', { status: 'in_progress' }, undefined);
    const runs: Record<string, { calls: number; sequential: number; ms: number }[]> = {
      'submit (approval needed)': [],
      'approval decision': [],
      'task PATCH (last task: resolves)': [],
    };
    progress(`catalog: ${SAMPLES} submissions, decisions and task updates`);
    for (let i = 0; i < SAMPLES; i++) {
      runs['submit (approval needed)']!.push(
        await measure(async () => ids.push((await requests.submit(rita, 'laptop', { form })).id)),
      );
    }
    for (const id of ids)
      runs['approval decision']!.push(await measure(() => requests.decide(ava, id, { decision: 'approve' })));
    for (const id of ids) {
      runs['task PATCH (last task: resolves)']!.push(
        await measure(() => requests.patchTask(dan, id, 'image', { status: 'done' }, undefined)),
      );
    }
    const paths = Object.entries(runs).map(([path, samples]) => ({
      path,
      calls: median(samples.map((s) => s.calls)),
      sequential: median(samples.map((s) => s.sequential)),
      maxSequential: Math.max(...samples.map((s) => s.sequential)),
      ms: round2(median(samples.map((s) => s.ms))),
    }));
    return { paths, validation: benchValidation(50) };
  });
}

export function printCatalog(result: CatalogBenchResult): void {
  console.log('\nService catalog (DynamoDB Local, warm caches)');
  console.log('path                                  calls  sequential (median / max)  ms (median)');
  for (const row of result.paths) {
    console.log(
      `${row.path.padEnd(38)}${String(row.calls).padStart(5)}  ${String(row.sequential).padStart(10)} / ${row.maxSequential}${String(row.ms).padStart(17)}`,
    );
  }
  const v = result.validation;
  console.log(
    `form validation, ${v.fields}-field schema: compile ${v.compileMs} ms (cache miss), cached validate ${v.cachedValidateUs} µs (${v.validations} validations, ${v.cacheHits} cache hits)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printCatalog(await benchCatalog());
}
