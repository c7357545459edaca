import { baseHaproxyInput, monitorOf } from './golden-cases';
import type { HaproxyInput } from './model';
import { haproxyFacts } from './placement-bundle';
import { renderHaproxyConfig } from './render-haproxy';
import { contentHash } from './content-hash';
import { runtimeChanges } from './runtime-changes';

const base = baseHaproxyInput();
const facts = (input: HaproxyInput) => haproxyFacts(input, contentHash(renderHaproxyConfig(input)));
const [m1, m2] = base.members;
const withMembers = (...members: HaproxyInput['members']) => facts({ ...base, members });

describe("changes the runtime API applies without a reload, from the bundles' facts", () => {
  it("sets a member's weight", () => {
    expect(runtimeChanges(facts(base), withMembers({ ...m1, weight: 3 }, m2))).toEqual([`set server ${base.pool.id}/${m1.id} weight 3`]);
  });

  it('disables and enables members', () => {
    const disabled = withMembers(m1, { ...m2, adminStateUp: false });
    expect(runtimeChanges(facts(base), disabled)).toEqual([`disable server ${base.pool.id}/${m2.id}`]);
    expect(runtimeChanges(disabled, facts(base))).toEqual([`enable server ${base.pool.id}/${m2.id}`]);
  });

  it("changes weight and state of several members in the file's order (by id)", () => {
    expect(runtimeChanges(facts(base), withMembers({ ...m1, weight: 7, adminStateUp: false }, { ...m2, weight: 0 }))).toEqual([
      `set server ${base.pool.id}/${m2.id} weight 0`,
      `set server ${base.pool.id}/${m1.id} weight 7`,
      `disable server ${base.pool.id}/${m1.id}`,
    ]);
  });

  it('takes the members in any order: the file lists them by id', () =>
    expect(runtimeChanges(facts(base), withMembers(m2, { ...m1, weight: 2 }))).toEqual([`set server ${base.pool.id}/${m1.id} weight 2`]));

  it('gives an empty list for the same file', () => expect(runtimeChanges(facts(base), facts(structuredClone(base)))).toEqual([]));

  it.each<[string, (i: HaproxyInput) => HaproxyInput]>([
    [
      'a new member',
      (i) => ({ ...i, members: [...i.members, { ...m1, id: '00000000-0000-4000-8000-000000000043', address: '198.18.2.12' }] }),
    ],
    ['a member gone', (i) => ({ ...i, members: [m1] })],
    ["a member's port", (i) => ({ ...i, members: [{ ...m1, protocolPort: 81 }, m2] })],
    ["a member's address with its weight", (i) => ({ ...i, members: [{ ...m1, address: '198.18.2.99', weight: 5 }, m2] })],
    ['the lb method', (i) => ({ ...i, pool: { ...i.pool, lbMethod: 'LEAST_CONNECTIONS' as const } })],
    ['the connection limit', (i) => ({ ...i, vip: { ...i.vip, connectionLimit: 10 } })],
    ['a monitor', (i) => ({ ...i, monitors: [monitorOf('TCP')] })],
    ['a certificate', (i) => ({ ...i, vip: { ...i.vip, protocolPort: 443, tls: { certificateId: m1.id, fingerprint: 'a'.repeat(64) } } })],
    ['the pool disabled', (i) => ({ ...i, pool: { ...i.pool, adminStateUp: false } })],
  ])('needs a reload for %s', (_what, change) => expect(runtimeChanges(facts(base), facts(change(structuredClone(base))))).toBeNull());
});
