import type { LocalRuntime } from '../../bin/local/runtime.js';
import { api } from './runtime.js';

/**
 * Puts CIs a test names (with `cmdb.strictCiIds` on, the default, tickets and changes may only name
 * CIs that exist), as an agent would: PUT /cis/{id}. Existing ones are left as they are.
 */
export async function ensureCis(
  rt: LocalRuntime,
  ids: readonly string[],
  fields: Record<string, unknown> = {},
): Promise<void> {
  const http = api(rt, { token: rt.adminToken });
  for (const id of ids) {
    const found = await http.request('GET', `/cis/${encodeURIComponent(id)}`);
    if (found.status === 200) continue;
    const put = await http.request('PUT', `/cis/${encodeURIComponent(id)}`, {
      body: { class: 'application', name: id, ...fields },
    });
    if (put.status !== 201) throw new Error(`PUT /cis/${id}: ${put.status} ${JSON.stringify(put.json)}`);
  }
}
