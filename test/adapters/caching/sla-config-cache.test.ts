import { describe, expect, it, vi } from 'vitest';
import type { SlaConfig } from '../../../functions/sla/clocks.js';
import { CachedSlaConfigStore } from '../../../functions/sla/store/cached-sla-config-store.js';
import type { SlaConfigStore } from '../../../functions/sla/store/sla-config-store.js';

function fakeStore() {
  let reads = 0;
  const store: SlaConfigStore = {
    load: vi.fn(async () => ({ calendars: [], policies: [], read: ++reads }) as unknown as SlaConfig),
    putCalendar: vi.fn(async () => {}),
    putPolicy: vi.fn(async () => {}),
  };
  return store;
}

describe('CachedSlaConfigStore', () => {
  it('reads once per TTL', async () => {
    let now = 0;
    const inner = fakeStore();
    const cached = new CachedSlaConfigStore(inner, 1_000, () => now);
    const first = await cached.load();
    now = 999;
    expect(await cached.load()).toBe(first);
    expect(inner.load).toHaveBeenCalledTimes(1);
    now = 1_000;
    expect(await cached.load()).not.toBe(first);
    expect(inner.load).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent callers', async () => {
    const inner = fakeStore();
    const cached = new CachedSlaConfigStore(inner, 1_000, () => 0);
    const [a, b] = await Promise.all([cached.load(), cached.load()]);
    expect(a).toBe(b);
    expect(inner.load).toHaveBeenCalledTimes(1);
  });

  it.each(['putCalendar', 'putPolicy'] as const)(
    'reloads in every cache of the process after a %s through any of them',
    async (put) => {
      const reader = new CachedSlaConfigStore(fakeStore(), 60_000, () => 0);
      const writer = new CachedSlaConfigStore(fakeStore(), 60_000, () => 0);
      const before = await reader.load();
      await (writer[put] as (record: unknown, version: number) => Promise<void>)({ id: 'x' }, 0);
      expect(await reader.load()).not.toBe(before);
    },
  );

  it('forgets a failed read instead of caching the failure', async () => {
    const inner = fakeStore();
    vi.mocked(inner.load).mockRejectedValueOnce(new Error('throttled'));
    const cached = new CachedSlaConfigStore(inner, 60_000, () => 0);
    await expect(cached.load()).rejects.toThrow('throttled');
    await expect(cached.load()).resolves.toBeDefined();
    expect(inner.load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a read that raced a write of this process', async () => {
    const inner = fakeStore();
    let release!: () => void;
    vi.mocked(inner.load).mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve({ stale: true } as unknown as SlaConfig))),
    );
    const cached = new CachedSlaConfigStore(inner, 60_000, () => 0);
    const racing = cached.load();
    await cached.putPolicy({ id: 'p' } as never, 0);
    release();
    expect(await racing).toEqual({ stale: true });
    expect(await cached.load()).not.toEqual({ stale: true });
  });
});
