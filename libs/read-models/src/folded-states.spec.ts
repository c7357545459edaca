import { FAKE_DOMAIN } from '../test/fake-domain';
import { type LoadedState, LoadedStates, StateCache, storedJson } from './folded-states';

const loaded = (version: number): LoadedState => ({
  behaviour: FAKE_DOMAIN.aggregates.pool!,
  version,
  state: { version },
  rows: new Map(),
  changed: false,
});
const states = (...keys: string[]) => {
  const batch = new LoadedStates();
  for (const [i, key] of keys.entries()) batch.set(key, loaded(i + 1));
  return batch;
};

describe('StateCache', () => {
  it('keeps the states of the last commits up to its limit, the least recently used going first', () => {
    const cache = new StateCache(2);
    cache.committed(states('a', 'b'), 2);
    expect(cache.validAt(2)).toBe(true);
    expect(cache.take('a')).toBeDefined();
    cache.committed(states('a'), 3);
    cache.committed(states('c'), 4);
    expect(cache.size).toBe(2);
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('a')).toBeDefined();
    expect(cache.take('c')).toBeDefined();
  });

  it('forgets everything when the checkpoint is not the one it committed', () => {
    const cache = new StateCache(10);
    expect(cache.validAt(0)).toBe(false);
    cache.committed(states('a'), 5);
    expect(cache.validAt(6)).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.validAt(5)).toBe(false);
  });
});

describe('storedJson', () => {
  it('strips fields named like a secret and says so; a value that only looks like one stays', () => {
    expect(storedJson({ name: 'secret', n: 1 })).toEqual({ json: '{"name":"secret","n":1}', stripped: false });
    expect(storedJson({ privateKey: { ciphertext: 'x' }, n: 1 })).toEqual({ json: '{"n":1}', stripped: true });
    expect(storedJson(undefined)).toEqual({ json: 'null', stripped: false });
  });
});
