import { FakeDriver, type KeepalivedStart, type PlacementNetwork, type PlacementSpec } from '@lbaas/dataplane';
import { withMembers } from '@lbaas/haproxy';
import { Executor } from './execute';
import { plan } from './plan';
import { desiredOf, notRunning, running, specOf, uuidOf, VM } from './plan-fixtures';

/** The fake driver, with a way to make one call fail and a record of the calls. */
class ScriptedDriver extends FakeDriver {
  readonly calls: string[] = [];
  failing: string | null = null;
  runtimeRefused = false;

  private call(what: string, vmId: string): void {
    this.calls.push(`${what} ${vmId}`);
    if (this.failing === what) throw new Error(`${what} failed for ${vmId}`);
  }

  override async plumb(n: PlacementNetwork): Promise<void> {
    this.call('plumb', n.vmId);
    await super.plumb(n);
  }

  override async startHaproxy(p: PlacementSpec): Promise<void> {
    this.call('startHaproxy', p.vmId);
    await super.startHaproxy(p);
  }

  override async reloadHaproxy(p: PlacementSpec): Promise<void> {
    this.call('reloadHaproxy', p.vmId);
    await super.reloadHaproxy(p);
  }

  override async updateServers(p: PlacementSpec): Promise<boolean> {
    this.call('updateServers', p.vmId);
    return this.runtimeRefused ? false : super.updateServers(p);
  }

  override async startKeepalived(p: PlacementSpec): Promise<void> {
    this.call('startKeepalived', p.vmId);
    await super.startKeepalived(p);
  }

  override async ensureFloatingIp(id: string, floating: string, vip: string): Promise<void> {
    this.call('ensureFloatingIp', id);
    await super.ensureFloatingIp(id, floating, vip);
  }
}

/** HAProxy's start held until `release`, as a real one is while its worker comes up; what keepalived's start was given. */
class SlowHaproxyDriver extends ScriptedDriver {
  release: () => void = () => undefined;
  haproxyFails = false;
  keepalivedGot: KeepalivedStart | undefined;
  readonly order: string[] = [];

  override async startHaproxy(p: PlacementSpec): Promise<void> {
    this.order.push('haproxy begins');
    await new Promise<void>((resolve) => (this.release = resolve));
    this.order.push('haproxy serves');
    if (this.haproxyFails) throw new Error(`HAProxy did not start for ${p.vmId}`);
    await super.startHaproxy(p);
  }

  override async startKeepalived(p: PlacementSpec, o?: KeepalivedStart): Promise<void> {
    this.order.push('keepalived begins');
    this.keepalivedGot = o;
    // As the netns driver's: it waits for HAProxy's master, or for word that HAProxy's start failed.
    if (o?.haproxyFailed?.aborted) throw new Error('HAProxy did not start');
    await super.startKeepalived(p);
  }
}

const reconcile = async (executor: Executor, driver: FakeDriver, desired: ReturnType<typeof desiredOf>) => {
  const observed = await driver.observe();
  return executor.execute(desired, observed, plan(desired, observed));
};

describe('Executor with the fake driver', () => {
  let driver: ScriptedDriver;
  let executor: Executor;
  const removed: [string, string | null][] = [];
  beforeEach(() => {
    driver = new ScriptedDriver({ vrrp: true });
    removed.length = 0;
    executor = new Executor(driver, { onRemoved: (vmId, error) => removed.push([vmId, error]) });
  });

  it('brings new placements up and says the active holds the VIP (the standby not); a second pass finds nothing to do', async () => {
    const desired = desiredOf([running(specOf(VM.a)), running(specOf(VM.b, { role: 'standby' }))]);
    const first = await reconcile(executor, driver, desired);
    expect(Object.fromEntries(first.outcomes)).toEqual({
      [VM.a]: { kind: 'converged', stepsTaken: 3, holdsVip: true },
      [VM.b]: { kind: 'converged', stepsTaken: 3, holdsVip: false },
    });
    expect(plan(desired, await driver.observe())).toEqual([]);
    const second = await reconcile(executor, driver, desired);
    expect(second.outcomes.get(VM.a)).toEqual({ kind: 'converged', stepsTaken: 0, holdsVip: true });
  });

  it("times each of a placement's steps that ran, in order", async () => {
    const timed: [string, string][] = [];
    const timing = new Executor(driver, {
      onRemoved: () => undefined,
      onStepDone: (vmId, step, ms) => ms >= 0 && timed.push([vmId, step]),
    });
    await reconcile(timing, driver, desiredOf([running(specOf(VM.a))]));
    expect(timed).toEqual([
      [VM.a, 'plumb'],
      [VM.a, 'startHaproxy'],
      [VM.a, 'startKeepalived'],
    ]);
  });

  it('looks again after its steps whether VRRP gave the active the VIP', async () => {
    driver.holdsVip = () => false;
    const desired = desiredOf([running(specOf(VM.a))]);
    expect((await reconcile(executor, driver, desired)).outcomes.get(VM.a)).toEqual({ kind: 'converged', stepsTaken: 3, holdsVip: false });
    driver.holdsVip = () => true;
    expect((await reconcile(executor, driver, desired)).outcomes.get(VM.a)).toEqual({ kind: 'converged', stepsTaken: 0, holdsVip: true });
  });

  it("stops a placement's steps at the first failure, with the driver's words, and goes on with the others", async () => {
    driver.failing = 'startKeepalived';
    const outcomes = (await reconcile(executor, driver, desiredOf([running(specOf(VM.a)), running(specOf(VM.c))]))).outcomes;
    expect(outcomes.get(VM.a)).toEqual({ kind: 'failed', reason: `startKeepalived failed for ${VM.a}` });
    expect(outcomes.get(VM.c)).toEqual({ kind: 'failed', reason: `startKeepalived failed for ${VM.c}` });
    driver.failing = null;
    const again = await reconcile(executor, driver, desiredOf([running(specOf(VM.a)), running(specOf(VM.c))]));
    expect(again.outcomes.get(VM.a)).toEqual({ kind: 'converged', stepsTaken: 1, holdsVip: true });
  });

  it("starts a new placement's keepalived while its HAProxy comes up, and reports only once both are done", async () => {
    const slow = new SlowHaproxyDriver({ vrrp: true });
    const overlapping = new Executor(slow, { onRemoved: () => undefined });
    const pass = reconcile(overlapping, slow, desiredOf([running(specOf(VM.a))]));
    await new Promise((r) => setImmediate(r));
    expect(slow.order).toEqual(['haproxy begins', 'keepalived begins']);
    expect(slow.keepalivedGot?.haproxyFailed?.aborted).toBe(false);
    slow.release();
    expect((await pass).outcomes.get(VM.a)).toEqual({ kind: 'converged', stepsTaken: 3, holdsVip: true });
    expect(slow.order).toEqual(['haproxy begins', 'keepalived begins', 'haproxy serves']);
  });

  it("reports HAProxy's failure when both start together, and tells keepalived's start that HAProxy failed", async () => {
    const slow = new SlowHaproxyDriver({ vrrp: true });
    slow.haproxyFails = true;
    const overlapping = new Executor(slow, { onRemoved: () => undefined });
    const pass = reconcile(overlapping, slow, desiredOf([running(specOf(VM.a))]));
    await new Promise((r) => setImmediate(r));
    slow.release();
    expect((await pass).outcomes.get(VM.a)).toEqual({ kind: 'failed', reason: `HAProxy did not start for ${VM.a}` });
    expect(slow.keepalivedGot?.haproxyFailed?.aborted).toBe(true);
  });

  it('reloads when the runtime API refuses a change', async () => {
    await reconcile(executor, driver, desiredOf([running(specOf(VM.a))]));
    driver.runtimeRefused = true;
    const heavier = specOf(VM.a, { haproxy: withMembers((ms) => ms.map((m) => ({ ...m, weight: 9 }))) });
    driver.calls.length = 0;
    expect((await reconcile(executor, driver, desiredOf([running(heavier)]))).outcomes.get(VM.a)).toMatchObject({ kind: 'converged' });
    expect(driver.calls).toEqual([`updateServers ${VM.a}`, `reloadHaproxy ${VM.a}`]);
  });

  it('does nothing for a placement that waits or cannot run, and says so', async () => {
    const outcomes = (
      await reconcile(
        executor,
        driver,
        desiredOf([
          notRunning(VM.a, { kind: 'wait', reason: 'not folded' }),
          notRunning(VM.b, { kind: 'fail', reason: 'no key' }),
          notRunning(VM.c, { kind: 'unrendered', network: null }),
        ]),
      )
    ).outcomes;
    expect(Object.fromEntries(outcomes)).toEqual({
      [VM.a]: { kind: 'waiting', reason: 'not folded' },
      [VM.b]: { kind: 'failed', reason: 'no key' },
      [VM.c]: { kind: 'unrendered' },
    });
    expect(driver.calls).toEqual([]);
  });

  it('makes the network of a placement ahead of its files, and a failure there waits for them to be reported', async () => {
    const ahead = notRunning(VM.a, { kind: 'unrendered', network: { vmId: VM.a, vrrpAddress: '198.19.192.1', vipAddress: '198.18.1.10' } });
    driver.failing = 'plumb';
    expect((await reconcile(executor, driver, desiredOf([ahead]))).outcomes.get(VM.a)).toEqual({ kind: 'unrendered' });
    driver.failing = null;
    expect((await reconcile(executor, driver, desiredOf([ahead]))).outcomes.get(VM.a)).toEqual({ kind: 'unrendered' });
    expect(driver.calls).toEqual([`plumb ${VM.a}`, `plumb ${VM.a}`]);
    // The files come: the rest of the placement, on the network made ahead.
    driver.calls.length = 0;
    expect((await reconcile(executor, driver, desiredOf([running(specOf(VM.a))]))).outcomes.get(VM.a)).toEqual({
      kind: 'converged',
      stepsTaken: 2,
      holdsVip: true,
    });
    expect(driver.calls).toEqual([`startHaproxy ${VM.a}`, `startKeepalived ${VM.a}`]);
  });

  it('removes beside the pass, once, and says when it is done', async () => {
    await reconcile(executor, driver, desiredOf([running(specOf(VM.a))]));
    const gone = desiredOf([], { ours: [VM.a] });
    await reconcile(executor, driver, gone);
    await reconcile(executor, driver, gone);
    await executor.settle();
    expect(removed).toEqual([[VM.a, null]]);
    expect(executor.removing(VM.a)).toBe(false);
    expect((await driver.observe()).placements).toEqual([]);
  });

  it('forwards floating IPs after the placements, and reports a forwarding that failed without failing the placements', async () => {
    driver.failing = 'ensureFloatingIp';
    const fip = { id: uuidOf(90), floatingAddress: '198.19.0.7', vipAddress: '198.18.1.10' };
    const result = await reconcile(executor, driver, desiredOf([running(specOf(VM.a))], { forward: [fip] }));
    expect(result.outcomes.get(VM.a)).toMatchObject({ kind: 'converged' });
    expect(result.floatingIpFailures).toEqual([`floating IP ${fip.id}: ensureFloatingIp failed for ${fip.id}`]);
  });
});
