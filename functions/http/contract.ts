import { ADMIN_CONTRACT } from './contracts/admin.js';
import { ATTACHMENTS_CONTRACT } from './contracts/attachments.js';
import { CHANGES_CONTRACT } from './contracts/changes.js';
import { PUBLIC_CONTRACT } from './contracts/public.js';
import { TICKETS_CONTRACT } from './contracts/tickets.js';

export type { RouteContract } from './contracts/route-contract.js';

/**
 * Every route's contract, for the OpenAPI document and the tests. Handlers import only their own
 * function's part (contracts/*.ts), so a function neither bundles nor builds the others' schemas.
 */
export const CONTRACT = {
  ...PUBLIC_CONTRACT,
  ...TICKETS_CONTRACT,
  ...ATTACHMENTS_CONTRACT,
  ...ADMIN_CONTRACT,
  ...CHANGES_CONTRACT,
} as const;

export type ContractKey = keyof typeof CONTRACT;
