import { baseHaproxyInput, monitorOf, uuidOf, withMembers as members, withPool, withVip } from './golden-cases';
import { HAPROXY_CASES } from './golden-cases-l7';
import type { HaproxyInput, RenderedMember } from './model';
import { haproxyFacts } from './placement-bundle';
import { renderHaproxyConfig } from './render-haproxy';
import { contentHash } from './content-hash';
import { runtimeChanges } from './runtime-changes';

const base = baseHaproxyInput();
const facts = (input: HaproxyInput) => haproxyFacts(input, contentHash(renderHaproxyConfig(input)));
const [m1, m2] = base.backends[0].members;
const pool = base.backends[0];
const withMembers = (...ms: RenderedMember[]) => facts(members(() => ms)(base));

describe("changes the runtime API applies without a reload, from the bundles' facts", () => {
  it("sets a member's weight", () => {
    expect(runtimeChanges(facts(base), withMembers({ ...m1, weight: 3 }, m2))).toEqual([`set server ${pool.id}/${m1.id} weight 3`]);
  });

  it('disables and enables members', () => {
    const disabled = withMembers(m1, { ...m2, adminStateUp: false });
    expect(runtimeChanges(facts(base), disabled)).toEqual([`disable server ${pool.id}/${m2.id}`]);
    expect(runtimeChanges(disabled, facts(base))).toEqual([`enable server ${pool.id}/${m2.id}`]);
  });

  it("changes weight and state of several members in the file's order (by id)", () => {
    expect(runtimeChanges(facts(base), withMembers({ ...m1, weight: 7, adminStateUp: false }, { ...m2, weight: 0 }))).toEqual([
      `set server ${pool.id}/${m2.id} weight 0`,
      `set server ${pool.id}/${m1.id} weight 7`,
      `disable server ${pool.id}/${m1.id}`,
    ]);
  });

  it('takes the members in any order: the file lists them by id', () =>
    expect(runtimeChanges(facts(base), withMembers(m2, { ...m1, weight: 2 }))).toEqual([`set server ${pool.id}/${m1.id} weight 2`]));

  it('gives an empty list for the same file', () => expect(runtimeChanges(facts(base), facts(structuredClone(base)))).toEqual([]));

  it.each<[string, (i: HaproxyInput) => HaproxyInput]>([
    ['a new member', members((ms) => [...ms, { ...m1, id: '00000000-0000-4000-8000-000000000043', address: '198.18.2.12' }])],
    ['a member gone', members(() => [m1])],
    ["a member's port", members(() => [{ ...m1, protocolPort: 81 }, m2])],
    ["a member's address with its weight", members(() => [{ ...m1, address: '198.18.2.99', weight: 5 }, m2])],
    ['a member made a backup', members(() => [{ ...m1, backup: true }, m2])],
    ['the lb method', withPool({ lbMethod: 'LEAST_CONNECTIONS' })],
    ['the connection limit', withVip({ connectionLimit: 10 })],
    ['a monitor', withPool({ monitors: [monitorOf('TCP')] })],
    ['a certificate', withVip({ protocolPort: 443, tls: { certificateId: m1.id, fingerprint: 'a'.repeat(64) } })],
    ['the pool disabled', withPool({ adminStateUp: false })],
    ['a timeout', withVip({ timeoutClientMs: 1000 })],
    ['a second frontend', (i) => ({ ...i, frontends: [...i.frontends, { ...i.frontends[0], id: uuidOf(22), protocolPort: 8080 }] })],
    ['a second backend', (i) => ({ ...i, backends: [...i.backends, { ...i.backends[0], id: uuidOf(32) }] })],
    ['no backend any more', (i) => ({ ...i, frontends: [{ ...i.frontends[0], defaultBackendId: null }], backends: [] })],
  ])('needs a reload for %s', (_what, change) => expect(runtimeChanges(facts(base), facts(change(structuredClone(base))))).toBeNull());

  it("needs a reload for a member's monitor port on a monitored pool, and nothing without a monitor (the file is the same)", () => {
    const monitored = withPool({ monitors: [monitorOf('TCP')] })(base);
    const port = members(() => [{ ...m1, monitorPort: 9000 }, m2]);
    expect(runtimeChanges(facts(monitored), facts(port(monitored)))).toBeNull();
    expect(runtimeChanges(facts(base), facts(port(base)))).toEqual([]);
  });

  describe('per backend, on a load balancer of two listeners and two pools', () => {
    const two = HAPROXY_CASES['v2-two-listeners'](baseHaproxyInput());
    const [first, second] = two.backends;
    const change = (weights: [number, number], enabled: boolean): HaproxyInput => ({
      ...two,
      backends: [
        { ...first, members: first.members.map((m, n) => (n === 0 ? { ...m, weight: weights[0] } : m)) },
        { ...second, members: second.members.map((m, n) => (n === 1 ? { ...m, weight: weights[1], adminStateUp: enabled } : m)) },
      ],
    });

    it("commands each backend's servers by its own name, backends in the file's order", () => {
      expect(runtimeChanges(facts(two), facts(change([4, 9], false)))).toEqual([
        `set server ${first.id}/${first.members[0].id} weight 4`,
        `set server ${second.id}/${second.members[1].id} weight 9`,
        `disable server ${second.id}/${second.members[1].id}`,
      ]);
    });

    it('touches only the backend that changed', () => {
      expect(runtimeChanges(facts(two), facts(change([1, 1], false)))).toEqual([`disable server ${second.id}/${second.members[1].id}`]);
    });

    it('needs a reload when a server moves to the other backend', () => {
      const moved: HaproxyInput = {
        ...two,
        backends: [
          { ...first, members: [...first.members, second.members[0]] },
          { ...second, members: [second.members[1]] },
        ],
      };
      expect(runtimeChanges(facts(two), facts(moved))).toBeNull();
    });
  });
});
