import { ADMIN_CONTRACT } from '../../admin/http/contract.js';
import { ALERTS_CONTRACT } from '../../alerts/http/contract.js';
import { ATTACHMENTS_CONTRACT } from '../../attachments/http/contract.js';
import { CATALOG_CONTRACT } from '../../catalog/http/contract.js';
import { CHANGES_CONTRACT } from '../../changes/http/contract.js';
import { CMDB_CONTRACT } from '../../cmdb/http/contract.js';
import { CSAT_CONTRACT } from '../../csat/http/contract.js';
import { PROBLEMS_CONTRACT } from '../../problems/http/contract.js';
import { REPORTS_CONTRACT } from '../../reports/http/contract.js';
import { TICKETS_CONTRACT } from '../../tickets/http/contract.js';
import { PUBLIC_CONTRACT } from './contract.js';

export type { RouteContract } from '../../shared/http/route-contract.js';

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
  ...CMDB_CONTRACT,
  ...ALERTS_CONTRACT,
  ...CATALOG_CONTRACT,
  ...PROBLEMS_CONTRACT,
  ...CSAT_CONTRACT,
  ...REPORTS_CONTRACT,
} as const;

export type ContractKey = keyof typeof CONTRACT;
