import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { TableDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, optional, required } from '../shared/wiring/environment.js';
import { type SeedOptions, seedDefaults } from './defaults.js';

/** The deploy-time seed (a CloudFormation custom resource): default groups, calendars and policies. */
export const SEED_ENVIRONMENT = defineEnvironment({
  TABLE_NAME: required(),
  /** Comma-separated: the stack's default groups for unrouted tickets (lib/seed.ts), seeded if absent. */
  DEFAULT_GROUPS: optional(),
});

/** The seed's options from its environment. */
export function seedOptionsFrom(env: { readonly DEFAULT_GROUPS: string }): SeedOptions {
  return {
    defaultGroups: env.DEFAULT_GROUPS.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  };
}

/** Custom-resource handler (CDK Provider framework): seeds defaults on create and update. */
export function assembleSeed(deps: TableDeps, options: SeedOptions = {}) {
  return async (event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string }> => {
    if (event.RequestType !== 'Delete') await seedDefaults(deps, options);
    return { PhysicalResourceId: `opsdesk-seed-${deps.tableName}` };
  };
}
