import type { Calendar } from '../calendar.js';
import type { SlaConfig } from '../clocks.js';
import type { SlaPolicy } from '../policy.js';
import type { SlaConfigStore } from './sla-config-store.js';

/**
 * How long a container trusts the calendars and policies it read. Every ticket write needs them
 * (docs/performance.md); re-reading them each time was a third DynamoDB call per write. An admin's
 * change reaches other containers within this time, and this process at once.
 */
export const SLA_CONFIG_TTL_MS = 30_000;

/** Bumped by every write through any cached store of this process (the local runtime shares one). */
let generation = 0;

/** The SLA configuration, read at most once per TTL and after every write this process made. */
export class CachedSlaConfigStore implements SlaConfigStore {
  private cached: { config: Promise<SlaConfig>; readAt: number; generation: number } | undefined;

  constructor(
    private readonly inner: SlaConfigStore,
    private readonly ttlMs = SLA_CONFIG_TTL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  load(): Promise<SlaConfig> {
    const cached = this.cached;
    if (cached && cached.generation === generation && this.now() - cached.readAt < this.ttlMs) {
      return cached.config;
    }
    // The generation is taken before the read: a write landing during it makes the result stale.
    const entry = { config: this.inner.load(), readAt: this.now(), generation };
    this.cached = entry;
    entry.config.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return entry.config;
  }

  async putCalendar(calendar: Calendar, expectedVersion: number): Promise<void> {
    try {
      await this.inner.putCalendar(calendar, expectedVersion);
    } finally {
      generation++;
    }
  }

  async putPolicy(policy: SlaPolicy, expectedVersion: number): Promise<void> {
    try {
      await this.inner.putPolicy(policy, expectedVersion);
    } finally {
      generation++;
    }
  }
}
