import { performance } from 'node:perf_hooks';
import type { ObservedNode, ObservedPlacement, PlacementDriver } from '@lbaas/dataplane';
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

const holdsAddress = (seen: ObservedPlacement | undefined, address: string): boolean =>
  seen?.network.kind === 'shared' || (seen?.network.kind === 'own' && (seen.network.addresses?.includes(address) ?? false));

/**
 * Applies a plan's steps through the driver and says how each placement stands, rather than
 * flipping flags: the reports are derived from the outcomes. A placement's steps run in order
 * and stop at the first failure. Removals run beside the passes: keepalived takes about a second
 * to say goodbye, and a new VIP on this node must not wait behind the one deleted before it.
 */
export class Executor {
  private readonly removals = new Map<string, Promise<void>>();

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
      // Only a namespace made ahead of the files: a failure shows again, and is reported, once they come.
      await this.run(d.vmId, steps).catch(() => undefined);
      return { kind: 'unrendered' };
    }
    if (d.run.kind === 'wait') return { kind: 'waiting', reason: d.run.reason };
    if (d.run.kind === 'fail') return { kind: 'failed', reason: d.run.reason };
    try {
      await this.run(d.vmId, steps);
    } catch (error) {
      return { kind: 'failed', reason: reasonOf(error) };
    }
    const vip = d.run.spec.bundle.keepalived.vip.address;
    if (!vrrp || d.role !== 'active') return { kind: 'converged', stepsTaken: steps.length, holdsVip: !vrrp || holdsAddress(seen, vip) };
    // ACTIVE promises traffic reaches this placement: after steps, look again whether VRRP gave it the address.
    const now = steps.length === 0 ? seen : (await this.driver.observe([d.vmId])).placements[0];
    return { kind: 'converged', stepsTaken: steps.length, holdsVip: holdsAddress(now, vip) };
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

  /** Waits for the removals under way. */
  async settle(): Promise<void> {
    await Promise.all(this.removals.values());
  }
}
