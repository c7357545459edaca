import type { EventEnvelope } from '@lbaas/domain';
import { type CachedHistory, DEFAULT_HISTORY_CACHE_LIMITS, HistoryCache, historyCacheLimitsFromEnv } from './history-cache';

const event = (n: number): EventEnvelope => ({
  id: `e${n}`,
  type: 'NetworkUpdated',
  version: 1,
  aggregate: 'network',
  aggregateId: 'n1',
  tenantId: 't1',
  actor: 'test',
  occurredAt: new Date(0).toISOString(),
  correlationId: 'req-test',
  causationId: null,
  data: { n },
});
const history = (version: number, events: number): CachedHistory => ({
  version,
  events: Array.from({ length: events }, (_, n) => event(n)),
});

describe('HistoryCache', () => {
  it('holds histories while their events together stay within the bound', () => {
    const cache = new HistoryCache({ events: 10, subjects: 100 });
    cache.set('a', history(1, 4));
    cache.set('b', history(2, 6));
    expect([cache.get('a')?.version, cache.get('b')?.version]).toEqual([1, 2]);
    expect(cache.events).toBe(10);
  });

  it('drops the least recently used histories until the events fit', () => {
    const cache = new HistoryCache({ events: 10, subjects: 100 });
    cache.set('a', history(1, 4));
    cache.set('b', history(2, 3));
    cache.set('c', history(3, 3));
    cache.get('a');
    cache.set('d', history(4, 5));
    // a was read after b and c were held: b and c go, a stays.
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('a')?.version).toBe(1);
    expect(cache.get('d')?.version).toBe(4);
    expect(cache.events).toBe(9);
  });

  it('counts a history replaced by a longer one once, at its new length', () => {
    const cache = new HistoryCache({ events: 10, subjects: 100 });
    cache.set('a', history(1, 4));
    cache.set('a', history(2, 7));
    expect(cache.events).toBe(7);
    expect(cache.subjects).toBe(1);
    cache.set('b', history(3, 3));
    expect(cache.events).toBe(10);
    cache.set('a', history(4, 8));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.events).toBe(8);
  });

  it('holds no history longer than the whole bound, and forgets the shorter one it had for that subject', () => {
    const cache = new HistoryCache({ events: 10, subjects: 100 });
    cache.set('a', history(1, 5));
    cache.set('b', history(2, 2));
    cache.set('a', history(3, 11));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.version).toBe(2);
    expect(cache.events).toBe(2);
  });

  it('is bounded in subjects too', () => {
    const cache = new HistoryCache({ events: 1000, subjects: 2 });
    cache.set('a', history(1, 1));
    cache.set('b', history(2, 1));
    cache.set('c', history(3, 1));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.subjects).toBe(2);
    expect(cache.events).toBe(2);
  });

  it('forgets a deleted subject and its events', () => {
    const cache = new HistoryCache({ events: 10, subjects: 100 });
    cache.set('a', history(1, 4));
    cache.delete('a');
    cache.delete('absent');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.events).toBe(0);
  });

  it('holds nothing with a bound of 0 events', () => {
    const cache = new HistoryCache({ events: 0, subjects: 100 });
    cache.set('a', history(1, 1));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.events).toBe(0);
  });

  it('never exceeds its bounds over many sets of any length', () => {
    const cache = new HistoryCache({ events: 50, subjects: 7 });
    for (let i = 0; i < 500; i++) {
      cache.set(`s${(i * 31) % 13}`, history(i, (i * 17) % 23));
      expect(cache.events).toBeLessThanOrEqual(50);
      expect(cache.subjects).toBeLessThanOrEqual(7);
    }
  });
});

describe('historyCacheLimitsFromEnv', () => {
  it('takes LBAAS_EVENT_CACHE_EVENTS, or the default when unset or empty', () => {
    expect(historyCacheLimitsFromEnv({})).toEqual(DEFAULT_HISTORY_CACHE_LIMITS);
    expect(historyCacheLimitsFromEnv({ LBAAS_EVENT_CACHE_EVENTS: ' ' })).toEqual(DEFAULT_HISTORY_CACHE_LIMITS);
    expect(historyCacheLimitsFromEnv({ LBAAS_EVENT_CACHE_EVENTS: '5000' })).toEqual({ ...DEFAULT_HISTORY_CACHE_LIMITS, events: 5000 });
    expect(historyCacheLimitsFromEnv({ LBAAS_EVENT_CACHE_EVENTS: '0' }).events).toBe(0);
  });

  it.each(['-1', '1.5', 'lots'])('refuses %s', (raw) => {
    expect(() => historyCacheLimitsFromEnv({ LBAAS_EVENT_CACHE_EVENTS: raw })).toThrow(/LBAAS_EVENT_CACHE_EVENTS/);
  });
});
