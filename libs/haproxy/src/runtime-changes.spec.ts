import { baseHaproxyInput } from './golden-cases';
import { renderHaproxyConfig } from './render-haproxy';
import { runtimeChanges } from './runtime-changes';

const base = baseHaproxyInput();
const render = (change: (i: typeof base) => typeof base) => renderHaproxyConfig(change(structuredClone(base)));
const [m1, m2] = base.members;

describe('changes the runtime API applies without a reload', () => {
  it('sets a member\'s weight', () => {
    const after = render((i) => ({ ...i, members: [{ ...m1, weight: 3 }, m2] }));
    expect(runtimeChanges(renderHaproxyConfig(base), after)).toEqual([`set server ${base.pool.id}/${m1.id} weight 3`]);
  });

  it('disables and enables members', () => {
    const disabled = render((i) => ({ ...i, members: [m1, { ...m2, adminStateUp: false }] }));
    expect(runtimeChanges(renderHaproxyConfig(base), disabled)).toEqual([`disable server ${base.pool.id}/${m2.id}`]);
    expect(runtimeChanges(disabled, renderHaproxyConfig(base))).toEqual([`enable server ${base.pool.id}/${m2.id}`]);
  });

  it('gives an empty list for identical files', () => expect(runtimeChanges(renderHaproxyConfig(base), renderHaproxyConfig(base))).toEqual([]));

  it.each([
    ['a new member', (i: typeof base) => ({ ...i, members: [...i.members, { ...m1, id: '00000000-0000-4000-8000-000000000043', address: '198.18.2.12' }] })],
    ['a member\'s port', (i: typeof base) => ({ ...i, members: [{ ...m1, protocolPort: 81 }, m2] })],
    ['the lb method', (i: typeof base) => ({ ...i, pool: { ...i.pool, lbMethod: 'LEAST_CONNECTIONS' as const } })],
    ['the connection limit', (i: typeof base) => ({ ...i, vip: { ...i.vip, connectionLimit: 10 } })],
  ])('needs a reload for %s', (_what, change) => expect(runtimeChanges(renderHaproxyConfig(base), render(change))).toBeNull());
});
