import { MailOutcomeService } from '../email/mail-outcomes.js';
import { DynamoMailLog } from '../email/store/mail-log.js';
import { GroupService } from '../groups/service.js';
import { groupStore } from '../groups/store/wiring.js';
import { plainApi } from '../shared/http/pipeline.js';
import type { HttpDeps } from '../shared/wiring/deps.js';
import { defineEnvironment, HTTP_TABLE_ENVIRONMENT } from '../shared/wiring/environment.js';
import { SlaAdminService } from '../sla/admin-service.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { createAdminHandler } from './http/handler.js';

/** Groups, calendars and SLA policies. */
export const ADMIN_ENVIRONMENT = defineEnvironment(HTTP_TABLE_ENVIRONMENT);

export function assembleAdmin(deps: HttpDeps) {
  // Through the caches, so this container's own writes are seen at once.
  const groups = new GroupService(groupStore(deps), deps.clock);
  const sla = new SlaAdminService(slaConfigStore(deps), deps.clock);
  // Only GET and PUT routes (PUT is idempotent by itself), so no Idempotency-Key layer to bundle.
  const mail = new MailOutcomeService(new DynamoMailLog(deps.dynamo, deps.tableName));
  return createAdminHandler({ groups, sla, mail }, plainApi(deps));
}
