import { ExpiringLru } from './expiring-lru';

describe('ExpiringLru', () => {
  it('misses an entry from its end on, and forgets it', () => {
    const cache = new ExpiringLru<string>(4);
    cache.set('a', 'A', 100);
    expect(cache.get('a', 99)).toBe('A');
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry, where a read counts as a use', () => {
    const cache = new ExpiringLru<number>(3);
    cache.set('a', 1, 1000);
    cache.set('b', 2, 1000);
    cache.set('c', 3, 1000);
    expect(cache.get('a', 0)).toBe(1);
    cache.set('d', 4, 1000);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0), cache.get('d', 0)]).toEqual([1, undefined, 3, 4]);
    expect(cache.size).toBe(3);
  });

  it('replaces an entry written again, with its new end', () => {
    const cache = new ExpiringLru<number>(2);
    cache.set('a', 1, 10);
    cache.set('a', 2, 20);
    expect(cache.get('a', 15)).toBe(2);
    expect(cache.size).toBe(1);
  });

  it.each([0, -1, 1.5])('refuses a capacity of %p', (capacity) => {
    expect(() => new ExpiringLru(capacity)).toThrow(/capacity/);
  });
});
