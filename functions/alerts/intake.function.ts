import { ciDirectory, cmdbStore } from '../cmdb/store/wiring.js';
import { DEFAULT_TICKET_GROUP } from '../groups/model.js';
import { groupStore } from '../groups/store/wiring.js';
import { idsOn } from '../shared/clock/ids.js';
import type { TableDeps } from '../shared/wiring/deps.js';
import { slaConfigStore } from '../sla/store/wiring.js';
import { TicketService } from '../tickets/service.js';
import { ticketStore } from '../tickets/store/wiring.js';
import { AlertIntake } from './intake.js';
import { ephemeralSecretCipher } from './secrets/local-secret-cipher.js';
import type { SecretCipher } from './secrets/secret-cipher.js';
import { SNS_HOST_PATTERN } from './sns/sns-messages.js';
import { SnsValidatorVerifier } from './sns/sns-validator-adapter.js';
import { alertStore } from './store/wiring.js';

/**
 * The alert intake assembled over the table, without HTTP: the alerts function's handler and the
 * sweeper (flap quiet ends) share it, so the sweeper bundles no HTTP layer.
 */
export interface AlertsOptions {
  readonly defaultGroup?: string;
  readonly strictCiIds?: boolean;
  /** The integration default-bus CloudWatch events are applied to (ALERTS_EVENTBRIDGE_INTEGRATION). */
  readonly eventBridgeIntegration?: string;
  /** Seals `hmac` keys: KMS on AWS, AES-GCM with a local key in the local runtime; default a per-process key. */
  readonly cipher?: SecretCipher;
  /**
   * Hosts SNS certificates and subscription URLs may come from: SNS's own unless a test serves
   * them from 127.0.0.1 (never configurable on AWS).
   */
  readonly snsHosts?: RegExp;
}

/** What the intake is made of, for the handler and for benches and tests that drive it directly. */
export function assembleIntake(deps: TableDeps, options: AlertsOptions = {}): AlertIntake {
  const tickets = ticketStore(deps);
  const slaConfig = slaConfigStore(deps);
  const groups = groupStore(deps);
  const directory = ciDirectory(deps);
  const cmdb = cmdbStore(deps);
  const newId = idsOn(deps.clock);
  return new AlertIntake({
    store: alertStore(deps),
    tickets,
    ticketService: (store) =>
      new TicketService(store, groups, slaConfig, directory, deps.clock, newId, {
        defaultGroup: options.defaultGroup ?? DEFAULT_TICKET_GROUP,
        strictCiIds: options.strictCiIds ?? true,
      }),
    cmdb: {
      cis: (ids) => directory.cis(ids),
      services: (ids) => directory.services(ids),
      ciByIdentifier: (id) => cmdb.ciByIdentifier(id),
    },
    clock: deps.clock,
    cipher: options.cipher ?? defaultCipher(),
    sns: new SnsValidatorVerifier(options.snsHosts ?? SNS_HOST_PATTERN),
  });
}

let processCipher: SecretCipher | undefined;
/** One per process, so the admin routes and the intake of one runtime share it. */
export function defaultCipher(): SecretCipher {
  processCipher ??= ephemeralSecretCipher();
  return processCipher;
}
