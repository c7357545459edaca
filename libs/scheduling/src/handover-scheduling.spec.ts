import { AT, harness } from './load-balancer-fixtures';
import { RETIRED_AFTER_FAILOVER } from './scheduling-model';
import { SchedulingSimulation } from './simulation';

const SI = 'si-lb-lb-1';

/** A load balancer on n1 and n2 with a third node free, rendered, its failover requested and the roles swapped. */
function swapped() {
  const h = harness();
  h.nodes('n1', 'n2', 'n3');
  h.lb('lb-1', h.created('lb-1'));
  h.settle();
  h.render(SI);
  const [active, standby] = h.live(SI).placements;
  h.failover('lb-1');
  h.settle();
  h.render(SI);
  return { h, active, standby, types: () => h.sim.log.map((e) => e.type) };
}

describe("an operator's failover as a handover, in the scheduler", () => {
  it('swaps once and retires once when the same plans are executed twice (two leaders, a retried round)', () => {
    const h = harness();
    h.nodes('n1', 'n2', 'n3');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.render(SI);
    h.failover('lb-1');
    const swap = h.sim.model.plan(h.ctx());
    expect(swap.map((c) => c.command.type)).toEqual(['FailOverInstance']);
    h.sim.execute(swap);
    h.sim.execute(swap);
    expect(h.swapped()).toHaveLength(1);
    h.render(SI);
    h.holdVip(SI);
    expect(h.holdVip(SI)).toBe(0);
    const retire = h.sim.model.plan(h.ctx());
    expect(retire.map((c) => c.command.type)).toEqual(['RetirePlacement', 'PlaceInstance']);
    expect(retire[0].command.data).toMatchObject({ reason: RETIRED_AFTER_FAILOVER });
    h.sim.execute(retire);
    h.sim.execute(retire.slice(0, 1));
    expect(h.sim.log.filter((e) => e.type === 'InstancePlacementRetired')).toHaveLength(1);
    h.settle();
    expect(h.live(SI).placements).toHaveLength(2);
  });

  it('keeps the old active while the new one does not hold the VIP: nothing is retired', () => {
    const { h, active } = swapped();
    h.settle();
    expect(h.live(SI).placements.map((p) => p.vmId)).toContain(active.vmId);
    expect(h.sim.log.some((e) => e.type === 'InstancePlacementRetired')).toBe(false);
  });

  it("falls back to the node-loss path when the new active's node is lost: the old active, still running, is the active again", () => {
    const { h, active, standby, types } = swapped();
    h.lose(standby.nodeId);
    h.settle();
    const after = h.live(SI);
    expect(after.handover).toBeNull();
    expect(after.placements[0]).toMatchObject({ vmId: active.vmId, role: 'active', priority: 200 });
    expect(after.placements[1]).toMatchObject({ role: 'standby' });
    expect([active.nodeId, standby.nodeId]).not.toContain(after.placements[1].nodeId);
    expect(types().filter((t) => t === 'InstanceFailedOver')).toHaveLength(1);
    // A late word from the lost node changes nothing.
    h.sim.execute([
      {
        aggregate: 'serviceinstance',
        id: SI,
        command: {
          type: 'RecordVipHeld',
          data: { instanceId: SI, vmId: standby.vmId, nodeId: standby.nodeId, keepalivedHash: 'x', at: AT },
        },
      },
    ]);
    h.settle();
    expect(types()).not.toContain('InstancePlacementRetired');
    expect(types()).not.toContain('InstanceVipHeld');
  });

  it("falls back to the node-loss path when the old active's node is lost: it goes as a standby, and a new one is placed", () => {
    const { h, active, standby, types } = swapped();
    h.lose(active.nodeId);
    h.settle();
    const after = h.live(SI);
    expect(after.handover).toBeNull();
    expect(after.placements[0]).toMatchObject({ vmId: standby.vmId, role: 'active' });
    expect(after.placements[1]).toMatchObject({ role: 'standby' });
    expect([active.nodeId, standby.nodeId]).not.toContain(after.placements[1].nodeId);
    expect(types()).toContain('InstancePlacementLost');
    expect(types()).not.toContain('InstancePlacementRetired');
  });

  it('takes a request made during a handover as done by it: one swap', () => {
    const { h } = swapped();
    h.failover('lb-1');
    h.settle();
    expect(h.swapped()).toHaveLength(1);
    h.holdVip(SI);
    h.settle();
    expect(h.live(SI).placements).toHaveLength(2);
    expect(h.swapped()).toHaveLength(1);
  });

  it('retires nothing once the load balancer is deleted: its placements are released as in any deletion', () => {
    const { h, types } = swapped();
    h.lb('lb-1', { type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: 'lb-1', cascade: true, at: AT } });
    h.settle();
    expect(h.live(SI).deleting).toBe(true);
    expect(h.holdVip(SI)).toBe(0);
    h.settle();
    expect(types()).not.toContain('InstancePlacementRetired');
  });

  it('keeps the old active for the drain period after the new one holds the VIP, then retires it (each plan is a second later)', () => {
    const h = harness(new SchedulingSimulation(undefined, 3500));
    h.nodes('n1', 'n2', 'n3');
    h.lb('lb-1', h.created('lb-1'));
    h.settle();
    h.render(SI);
    h.failover('lb-1');
    h.settle();
    h.render(SI);
    h.holdVip(SI);
    const plans = [1, 2, 3, 4].map(() => h.sim.execute(h.sim.model.plan(h.ctx())));
    const retiredAt = plans.findIndex((appended) => appended > 0);
    expect(retiredAt).toBe(3);
    expect(h.sim.log.filter((e) => e.type === 'InstancePlacementRetired')).toHaveLength(1);
    expect(h.sim.model.pendingWork).toBe(true);
    h.settle();
    expect(h.sim.model.pendingWork).toBe(false);
  });
});
