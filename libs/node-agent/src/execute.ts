import { performance } from 'node:perf_hooks';
import type { ObservedNode, ObservedPlacement, PlacementDriver, PlacementNetwork } from '@lbaas/dataplane';
import type { DesiredNode, DesiredPlacement } from './desired';
import { type Step, vmIdOf } from './plan';

/** How one placement stands after a pass: what its reports are made of. */
export type PlacementOutcome =
  /** Runs what its rendering says (after this pass's steps, if any); `holdsVip`: the VIP's address is on it. */
  | { readonly kind: 'converged'; readonly stepsTaken: number; readonly holdsVip: boolean }
  | { readonly kind: 'unrendered' }
  /** Nothing was done, and a later pass looks again. */
  | { readonly kind: 'waiting'; readonly reason: string }
  /** Could not be brought to its rendering: reported, and tried again on a later pass. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface ExecutionResult {
  /** By vm uuid, for every desired placement of the pass. */
  readonly outcomes: ReadonlyMap<string, PlacementOutcome>;
  /** Floating IP steps that failed, with the driver's words. */
  readonly floatingIpFailures: readonly string[];
}

export interface ExecutorOptions {
  /** A removal running beside the passes ended; `error` is null when the placement is gone. */
  readonly onRemoved: (vmId: string, error: string | null) => void;
  /** A placement's step ended, with how long it took: where a placement's time goes (the dataplane bench reads it). */
  readonly onStepDone?: (vmId: string, step: Step['kind'], ms: number) => void;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A namespace being made, or made, for a placement whose files were not rendered yet. */
interface MadeAhead {
  readonly network: PlacementNetwork;
  /** True once it is made; false when it failed (the pass with the files plumbs again, and reports a failure). */
  readonly made: Promise<boolean>;
}

const sameNetwork = (a: PlacementNetwork, b: PlacementNetwork): boolean =>
  a.vmId === b.vmId && a.vrrpAddress === b.vrrpAddress && a.vipAddress === b.vipAddress;

const holdsAddress = (seen: ObservedPlacement | undefined, address: string): boolean =>
  seen?.network.kind === 'shared' || (seen?.network.kind === 'own' && (seen.network.addresses?.includes(address) ?? false));

/**
 * Applies a plan's steps through the driver and says how each placement stands, rather than
 * flipping flags: the reports are derived from the outcomes. A placement's steps run in order
 * and stop at the first failure. Removals run beside the passes: keepalived takes about a second
 * to say goodbye, and a new VIP on this node must not wait behind the one deleted before it.
 * So do namespaces made ahead of a placement's files: the pass that the files wake fetches them,
 * observes and plans while the namespace is still being made, and waits for it only before the
 * placement's own steps.
 */
export class Executor {
  private readonly removals = new Map<string, Promise<void>>();
  /** By vm uuid, until the pass with the placement's files (or its removal) takes it. */
  private readonly ahead = new Map<string, MadeAhead>();
  /** The placements whose namespace is being made ahead right now. */
  private readonly underWay = new Set<string>();

  constructor(
    private readonly driver: PlacementDriver,
    private readonly o: ExecutorOptions,
  ) {}

  /** Whether a removal of the placement is under way. */
  removing(vmId: string): boolean {
    return this.removals.has(vmId);
  }

  async execute(desired: DesiredNode, observed: ObservedNode, steps: readonly Step[]): Promise<ExecutionResult> {
    const byVm = new Map<string, Step[]>();
    for (const step of steps) {
      const vmId = vmIdOf(step);
      if (vmId !== null) byVm.set(vmId, [...(byVm.get(vmId) ?? []), step]);
    }
    const seen = new Map(observed.placements.map((p) => [p.vmId, p]));
    if (desired.whole) {
      // A placement gone from this node before its files came: nothing will take what was made for
      // it. One still being made stays, for its removal to wait for.
      const placed = new Set(desired.placements.map((d) => d.vmId));
      for (const vmId of this.ahead.keys()) if (!placed.has(vmId) && !this.underWay.has(vmId)) this.ahead.delete(vmId);
    }
    const outcomes = new Map<string, PlacementOutcome>();
    for (const d of desired.placements) outcomes.set(d.vmId, await this.bring(d, desired.vrrp, byVm.get(d.vmId) ?? [], seen.get(d.vmId)));
    for (const step of steps) if (step.kind === 'removePlacement') this.removeBeside(step.vmId);
    const floatingIpFailures: string[] = [];
    for (const step of steps) {
      try {
        if (step.kind === 'ensureFloatingIp') await this.driver.ensureFloatingIp(step.floatingIpId, step.floatingAddress, step.vipAddress);
        else if (step.kind === 'removeFloatingIp') await this.driver.removeFloatingIp(step.floatingIpId);
      } catch (error) {
        floatingIpFailures.push(
          `floating IP ${step.kind === 'ensureFloatingIp' || step.kind === 'removeFloatingIp' ? step.floatingIpId : ''}: ${reasonOf(error)}`,
        );
      }
    }
    return { outcomes, floatingIpFailures };
  }

  private async bring(
    d: DesiredPlacement,
    vrrp: boolean,
    steps: readonly Step[],
    seen: ObservedPlacement | undefined,
  ): Promise<PlacementOutcome> {
    if (d.run.kind === 'unrendered') {
      this.makeAhead(d.vmId, steps);
      return { kind: 'unrendered' };
    }
    if (d.run.kind === 'wait') return { kind: 'waiting', reason: d.run.reason };
    if (d.run.kind === 'fail') return { kind: 'failed', reason: d.run.reason };
    try {
      await this.run(d.vmId, await this.afterAhead(d.vmId, steps));
    } catch (error) {
      return { kind: 'failed', reason: reasonOf(error) };
    }
    const vip = d.run.spec.bundle.keepalived.vip.address;
    if (!vrrp || d.role !== 'active') return { kind: 'converged', stepsTaken: steps.length, holdsVip: !vrrp || holdsAddress(seen, vip) };
    // ACTIVE promises traffic reaches this placement: after steps, look again whether VRRP gave it the address.
    const now = steps.length === 0 ? seen : (await this.driver.observe([d.vmId])).placements[0];
    return { kind: 'converged', stepsTaken: steps.length, holdsVip: holdsAddress(now, vip) };
  }

  /**
   * Only a namespace is made ahead of the files, beside the passes: a failure shows again, and is
   * reported, once they come. One at a time per placement: a pass that observes it half made
   * while it is under way leaves it be.
   */
  private makeAhead(vmId: string, steps: readonly Step[]): void {
    const plumb = steps.find((s) => s.kind === 'plumb');
    if (plumb?.kind !== 'plumb' || this.underWay.has(vmId)) return;
    this.underWay.add(vmId);
    const made = this.run(vmId, [plumb]).then(
      () => true,
      () => false,
    );
    this.ahead.set(vmId, { network: plumb.network, made: made.finally(() => this.underWay.delete(vmId)) });
  }

  /**
   * The placement's steps once a namespace made ahead for it is done: its steps must not start on
   * a namespace half made. The plan's plumb is left out when that namespace is the one it asks
   * for and was made; a wait is timed as the plumb it stands for.
   */
  private async afterAhead(vmId: string, steps: readonly Step[]): Promise<readonly Step[]> {
    const ahead = this.ahead.get(vmId);
    if (ahead === undefined) return steps;
    this.ahead.delete(vmId);
    const plumb = steps.find((s) => s.kind === 'plumb');
    let made = false;
    const wait = async (): Promise<void> => {
      made = await ahead.made;
    };
    if (this.underWay.has(vmId)) await this.timed(vmId, { kind: 'plumb', network: ahead.network }, wait);
    else await wait();
    return made && plumb?.kind === 'plumb' && sameNetwork(plumb.network, ahead.network) ? steps.filter((s) => s !== plumb) : steps;
  }

  /** A placement's steps in order, up to the first that throws; HAProxy's start and keepalived's that follows it overlap. */
  private async run(vmId: string, steps: readonly Step[]): Promise<void> {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const next = steps[i + 1];
      if (step.kind === 'startHaproxy' && next?.kind === 'startKeepalived') {
        await this.startTogether(vmId, step, next);
        i++;
      } else await this.timed(vmId, step, () => this.apply(step));
    }
  }

  private async timed(vmId: string, step: Step, action: () => Promise<void>): Promise<void> {
    const started = performance.now();
    await action();
    this.o.onStepDone?.(vmId, step.kind, performance.now() - started);
  }

  /**
   * A new placement's HAProxy and keepalived: keepalived's route to the peer, and then its exec
   * once the driver sees HAProxy's master, come while HAProxy's worker comes up, instead of after
   * it serves. Both are awaited; HAProxy's failure is the one reported, and it ends keepalived's
   * wait for the master.
   */
  private async startTogether(
    vmId: string,
    haproxy: Extract<Step, { kind: 'startHaproxy' }>,
    keepalived: Extract<Step, { kind: 'startKeepalived' }>,
  ): Promise<void> {
    const haproxyFailed = new AbortController();
    const started = this.timed(vmId, haproxy, () => this.driver.startHaproxy(haproxy.spec)).catch((error: unknown) => {
      haproxyFailed.abort();
      throw error;
    });
    const [h, k] = await Promise.allSettled([
      started,
      this.timed(vmId, keepalived, () => this.driver.startKeepalived(keepalived.spec, { haproxyFailed: haproxyFailed.signal })),
    ]);
    if (h.status === 'rejected') throw h.reason;
    if (k.status === 'rejected') throw k.reason;
  }

  private async apply(step: Step): Promise<void> {
    switch (step.kind) {
      case 'plumb':
        return this.driver.plumb(step.network);
      case 'startHaproxy':
        return this.driver.startHaproxy(step.spec);
      case 'reloadHaproxy':
        return this.driver.reloadHaproxy(step.spec);
      case 'updateServers':
        // The runtime API refused a command (a server it does not know): the reload reads the whole file.
        if (!(await this.driver.updateServers(step.spec, step.commands))) await this.driver.reloadHaproxy(step.spec);
        return;
      case 'pruneTlsFiles':
        return this.driver.pruneTlsFiles(step.spec);
      case 'startKeepalived':
        return this.driver.startKeepalived(step.spec);
      case 'reloadKeepalived':
        return this.driver.reloadKeepalived(step.spec);
      case 'removePlacement':
      case 'ensureFloatingIp':
      case 'removeFloatingIp':
        return;
      default: {
        const unhandled: never = step;
        throw new Error(`unknown step ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private removeBeside(vmId: string): void {
    if (this.removals.has(vmId)) return;
    this.removals.set(
      vmId,
      (async () => {
        let failure: string | null = null;
        try {
          // A namespace still being made ahead would come back after the removal.
          await this.ahead.get(vmId)?.made;
          this.ahead.delete(vmId);
          await this.driver.remove(vmId);
        } catch (error) {
          failure = reasonOf(error);
        } finally {
          this.removals.delete(vmId);
        }
        this.o.onRemoved(vmId, failure);
      })(),
    );
  }

  /** Waits for the removals, and the namespaces made ahead, under way. */
  async settle(): Promise<void> {
    await Promise.all([...this.removals.values(), ...[...this.ahead.values()].map((a) => a.made)]);
  }
}
