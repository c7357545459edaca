import type { DesiredPlacement } from './desired';
import type { PlacementOutcome } from './execute';
import type { LiveInstance } from './node-log';
import { INSTANCE, notRunning, running, specOf, uuidOf, VM } from './plan-fixtures';
import { type FoldedStatuses, releasesFor, type Report, reportsFor, statusCommands, statusRecorded, type StatusReport } from './reports';

const [VIP, POOL] = [uuidOf(2), uuidOf(3)];
const HASHES = { haproxyHash: 'h'.repeat(64), keepalivedHash: 'k'.repeat(64) };
const instance = (change: Partial<LiveInstance> = {}): LiveInstance => ({
  kind: 'live',
  id: INSTANCE.a,
  tenantId: 't',
  source: { kind: 'vip', vipId: VIP, poolId: POOL },
  createTs: 1,
  virtualRouterId: 7,
  placements: [
    { vmId: VM.a, nodeId: 'compute-node-1', role: 'active', priority: 200, vrrpAddress: '198.19.192.1' },
    { vmId: VM.b, nodeId: 'compute-node-1', role: 'standby', priority: 100, vrrpAddress: '198.19.192.2' },
  ],
  unplaceableReason: null,
  deleting: false,
  history: [],
  handover: null,
  renderedRevision: null,
  rendered: [
    { vmId: VM.a, ...HASHES },
    { vmId: VM.b, ...HASHES },
  ],
  lastRejection: null,
  applied: {},
  failures: {},
  ...change,
});
const rejected = {
  lastRejection: { instanceId: INSTANCE.a, vmId: VM.a, file: 'haproxy.cfg' as const, hash: 'x', message: '[ALERT] balance source refused' },
};
const REJECTION = 'haproxy.cfg was rejected by its check (the last good configuration stays in force): [ALERT] balance source refused';
const activeHere: DesiredPlacement = running(specOf(VM.a));
const standbyHere: DesiredPlacement = running(specOf(VM.b, { role: 'standby' }));
const converged = (holdsVip = true): PlacementOutcome => ({ kind: 'converged', stepsTaken: 1, holdsVip });
const applied = (vmId: string): Report => ({ kind: 'applied', instanceId: INSTANCE.a, vmId, ...HASHES });
const status = (s: 'ACTIVE' | 'ERROR', description: string | null): Report => ({
  kind: 'status',
  instanceId: INSTANCE.a,
  source: { kind: 'vip', vipId: VIP, poolId: POOL },
  revision: null,
  status: s,
  description,
});

describe("reportsFor: what a placement's outcome appends", () => {
  it.each<[string, LiveInstance, DesiredPlacement, PlacementOutcome, Report[], boolean]>([
    [
      'a new rendering applied on the active that holds the VIP: applied, then ACTIVE',
      instance(),
      activeHere,
      converged(),
      [applied(VM.a), status('ACTIVE', null)],
      false,
    ],
    [
      'the same files again: ACTIVE only (the decider appends nothing when it already is)',
      instance({ applied: { [VM.a]: HASHES } }),
      activeHere,
      converged(),
      [status('ACTIVE', null)],
      false,
    ],
    [
      'applied after a failure: applied again, to clear the failure',
      instance({ applied: { [VM.a]: HASHES }, failures: { [VM.a]: 'boom' } }),
      activeHere,
      converged(),
      [applied(VM.a), status('ACTIVE', null)],
      false,
    ],
    [
      'applied on the active before VRRP gave it the VIP: applied, no status yet, look again soon',
      instance(),
      activeHere,
      converged(false),
      [applied(VM.a)],
      true,
    ],
    ["applied on the standby: no status, that is the active's to say", instance(), standbyHere, converged(false), [applied(VM.b)], false],
    [
      "applied while the last rendering was rejected: ERROR with the checker's words, whether or not it holds the VIP",
      instance({ applied: { [VM.a]: HASHES }, ...rejected }),
      activeHere,
      converged(false),
      [status('ERROR', REJECTION)],
      false,
    ],
    [
      'failed on the active: InstanceFailed, and ERROR with the reason',
      instance(),
      activeHere,
      { kind: 'failed', reason: 'spawn /nope ENOENT' },
      [
        { kind: 'failed', instanceId: INSTANCE.a, vmId: VM.a, haproxyHash: HASHES.haproxyHash, reason: 'spawn /nope ENOENT' },
        status('ERROR', 'spawn /nope ENOENT'),
      ],
      false,
    ],
    [
      'failed on the standby: InstanceFailed only',
      instance(),
      standbyHere,
      { kind: 'failed', reason: 'no fabric' },
      [{ kind: 'failed', instanceId: INSTANCE.a, vmId: VM.b, haproxyHash: HASHES.haproxyHash, reason: 'no fabric' }],
      false,
    ],
    ['waiting for a certificate: nothing', instance(), activeHere, { kind: 'waiting', reason: 'certificate not folded' }, [], false],
    [
      'nothing rendered, the first rendering rejected: ERROR on the active, saying why',
      instance({ rendered: [], ...rejected }),
      notRunning(VM.a, { kind: 'unrendered', network: null }),
      { kind: 'unrendered' },
      [status('ERROR', REJECTION)],
      false,
    ],
    [
      'nothing rendered yet: nothing',
      instance({ rendered: [] }),
      notRunning(VM.a, { kind: 'unrendered', network: null }),
      { kind: 'unrendered' },
      [],
      false,
    ],
    [
      'nothing rendered, on the standby: nothing',
      instance({ rendered: [], ...rejected }),
      notRunning(VM.b, { kind: 'unrendered', network: null }, 'standby'),
      { kind: 'unrendered' },
      [],
      false,
    ],
  ])('%s', (_desc, si, d, outcome, reports, recheckVip) => {
    expect(reportsFor(si, d, outcome)).toEqual({ reports, recheckVip });
  });

  it('keeps an InstanceFailed reason to 1000 characters', () => {
    const { reports } = reportsFor(instance(), standbyHere, { kind: 'failed', reason: 'x'.repeat(5000) });
    expect(reports[0]).toMatchObject({ kind: 'failed', reason: 'x'.repeat(1000) });
  });
});

describe('releasesFor', () => {
  const deleting = instance({ deleting: true });
  const none = () => false;
  it('releases the placements of an instance being deleted that are gone from this node', () => {
    expect(releasesFor(deleting, 'compute-node-1', new Set([VM.b]), none)).toEqual([
      { kind: 'released', instanceId: INSTANCE.a, vmId: VM.a },
    ]);
  });
  it('waits for a removal under way', () =>
    expect(releasesFor(deleting, 'compute-node-1', new Set(), (vmId) => vmId === VM.a)).toEqual([
      { kind: 'released', instanceId: INSTANCE.a, vmId: VM.b },
    ]));
  it("releases nothing of an instance not being deleted, nor another node's placements", () => {
    expect(releasesFor(instance(), 'compute-node-1', new Set(), none)).toEqual([]);
    expect(releasesFor(deleting, 'compute-node-2', new Set(), none)).toEqual([]);
  });
});

describe('statusRecorded: a status write the fold says would append nothing', () => {
  const commands = (s: 'ACTIVE' | 'ERROR', description: string | null) => statusCommands(status(s, description) as StatusReport, 'now');
  const folded = (vip: FoldedStatuses['vip'] extends (id: string) => infer R ? R : never, pool: typeof vip): FoldedStatuses => ({
    vip: (id) => (id === VIP ? vip : undefined),
    pool: (id) => (id === POOL ? pool : undefined),
  });
  const active = { status: 'ACTIVE' as const, statusDescription: null };

  it('skips the VIP and the pool that hold the status already', () => {
    expect(commands('ACTIVE', null).map((c) => statusRecorded(c, folded(active, active)))).toEqual([true, true]);
  });

  it('writes to the one whose status or description differs', () => {
    const pending = { status: 'PENDING_UPDATE' as const, statusDescription: null };
    expect(commands('ACTIVE', null).map((c) => statusRecorded(c, folded(pending, active)))).toEqual([false, true]);
    expect(commands('ACTIVE', null).map((c) => statusRecorded(c, folded(active, pending)))).toEqual([true, false]);
    const error = { status: 'ERROR' as const, statusDescription: 'haproxy exited' };
    expect(commands('ERROR', 'haproxy refused').map((c) => statusRecorded(c, folded(error, error)))).toEqual([false, false]);
  });

  it('compares the description as written, cut to the column', () => {
    const long = 'x'.repeat(300);
    const held = { status: 'ERROR' as const, statusDescription: long.slice(0, 255) };
    expect(commands('ERROR', long).map((c) => statusRecorded(c, folded(held, held)))).toEqual([true, true]);
  });

  it("skips what is not live (the decider appends nothing to it), and always writes a load balancer's revision", () => {
    expect(commands('ACTIVE', null).map((c) => statusRecorded(c, folded(undefined, undefined)))).toEqual([true, true]);
    const lb = statusCommands(
      {
        kind: 'status',
        instanceId: INSTANCE.a,
        source: { kind: 'loadbalancer', loadBalancerId: VIP, vipAddress: '198.18.0.5' },
        revision: 3,
        status: 'ACTIVE',
        description: null,
      },
      'now',
    );
    expect(lb.map((c) => statusRecorded(c, folded(active, active)))).toEqual([false]);
  });
});
