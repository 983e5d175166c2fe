import { randomBytes } from 'node:crypto';
import { type Caller, isAdmin } from '../shared/authz.js';
import type { Clock } from '../shared/clock/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError } from '../shared/errors.js';
import type { Page, PageRequest } from '../shared/store.js';
import { StaleWriteError } from '../shared/store.js';
import { digestOf, newSecret, rotated } from './credentials.js';
import {
  type Integration,
  type IntegrationSettings,
  publicIntegration,
  type StoredIntegration,
  type StoredSecret,
} from './model.js';
import type { SecretCipher } from './secrets/secret-cipher.js';
import { newWebhookSecret } from './standard-webhooks.js';
import type { AlertStore } from './store/alert-store.js';

export function assertIntegrationAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('only admins may manage monitoring integrations');
}

/** Where an integration's alerts go (relative to the API's base URL). */
export function intakePath(id: string): string {
  return `/alerts/${encodeURIComponent(id)}`;
}

/** A secret only for the modes that authenticate with one. */
const takesSecret = (settings: Pick<IntegrationSettings, 'auth'>) =>
  settings.auth.mode === 'bearer' || settings.auth.mode === 'hmac';

/** Integrations administered over the API (docs/alerts.md#integrations). Admins only. */
export class IntegrationService {
  constructor(
    private readonly store: AlertStore,
    private readonly clock: Clock,
    /** Seals `hmac` keys (KMS on AWS, AES-GCM locally): verification needs the key, not a digest. */
    private readonly cipher: SecretCipher,
  ) {}

  /** A new secret for the integration's mode, shown once, and what is stored of it. */
  private async issue(
    id: string,
    mode: IntegrationSettings['auth']['mode'],
  ): Promise<{ secret: string; stored: StoredSecret }> {
    if (mode === 'hmac') {
      const secret = newWebhookSecret(randomBytes(32));
      return {
        secret,
        stored: { digest: digestOf(secret), validUntil: null, sealed: await this.cipher.seal(secret, id) },
      };
    }
    const secret = newSecret();
    return { secret, stored: { digest: digestOf(secret), validUntil: null } };
  }

  async list(caller: Caller, page: PageRequest): Promise<Page<Integration>> {
    assertIntegrationAdmin(caller);
    const result = await this.store.listIntegrations(page);
    return { ...result, items: result.items.map(publicIntegration) };
  }

  async get(caller: Caller, id: string): Promise<Integration> {
    assertIntegrationAdmin(caller);
    const stored = await this.store.getIntegration(id);
    if (!stored) throw new NotFoundError(`integration ${id} does not exist`);
    return publicIntegration(stored);
  }

  /** Create (with a new secret, returned once) or replace (secrets kept). */
  async put(
    caller: Caller,
    id: string,
    settings: IntegrationSettings,
    ifMatch?: number,
  ): Promise<{ integration: Integration; created: boolean; secret?: string }> {
    assertIntegrationAdmin(caller);
    const before = await this.store.getIntegration(id);
    if (ifMatch !== undefined && (before?.version ?? 0) !== ifMatch) {
      throw new PreconditionFailedError(
        `integration ${id} is at version ${before?.version ?? 0}, not ${ifMatch}`,
        before?.version ?? 0,
        'stale_version',
      );
    }
    const now = this.clock.now().toISOString();
    // A new mode starts with a secret of its kind (an HMAC key must be sealed; a digest cannot sign).
    const modeChanged = before !== undefined && before.auth.mode !== settings.auth.mode;
    const needsSecret = takesSecret(settings) && (modeChanged || (before?.secrets.length ?? 0) === 0);
    const issued = needsSecret ? await this.issue(id, settings.auth.mode) : undefined;
    const secret = issued?.secret;
    const stored: StoredIntegration = {
      ...settings,
      id,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
      version: (before?.version ?? 0) + 1,
      secrets: issued
        ? [issued.stored]
        : takesSecret(settings) && !modeChanged
          ? (before?.secrets ?? [])
          : [],
    };
    await this.write(stored, before?.version ?? 0, ifMatch !== undefined);
    return { integration: publicIntegration(stored), created: !before, ...(secret ? { secret } : {}) };
  }

  /** A new secret, returned once; the current one stays valid 24 h. */
  async rotate(caller: Caller, id: string): Promise<{ secret: string; previousValidUntil: string | null }> {
    assertIntegrationAdmin(caller);
    const before = await this.store.getIntegration(id);
    if (!before) throw new NotFoundError(`integration ${id} does not exist`);
    if (!takesSecret(before)) {
      throw new ConflictError(`integration ${id} uses ${before.auth.mode} and has no secret to rotate`);
    }
    const now = this.clock.now();
    const { secret, stored: fresh } = await this.issue(id, before.auth.mode);
    const secrets = rotated(before.secrets, fresh, now);
    const stored: StoredIntegration = {
      ...before,
      secrets,
      updatedAt: now.toISOString(),
      version: before.version + 1,
    };
    await this.write(stored, before.version, false);
    return { secret, previousValidUntil: secrets[1]?.validUntil ?? null };
  }

  private async write(stored: StoredIntegration, expected: number, strict: boolean): Promise<void> {
    try {
      await this.store.putIntegration(stored, expected);
    } catch (error) {
      if (error instanceof StaleWriteError) {
        throw new PreconditionFailedError(
          `integration ${stored.id} changed while this write was applied${strict ? '' : '; retry'}`,
          undefined,
          'stale_version',
        );
      }
      throw error;
    }
  }
}
