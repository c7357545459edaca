import {
  type AggregateType,
  type DomainEvent,
  type EventEnvelope,
  type LoadBalancerCommand,
  nodeDecider,
  type NodeState,
  serviceInstanceDecider,
  type ServiceInstanceState,
} from '@lbaas/domain';
import type { VrrpAddresses } from './address-pool';
import { type PlannedCommand, type PlanningContext, SchedulingModel } from './scheduling-model';

/**
 * The scheduler without NATS: planned commands are decided against in-memory streams and their
 * events fed back to the model, as the real log would. For unit tests of scheduling behaviour
 * and for the placement benchmark (1,000 nodes, 10,000 VIPs).
 */
export class SchedulingSimulation {
  readonly model: SchedulingModel;
  readonly log: EventEnvelope[] = [];
  /** What the scheduler asked of load balancers' streams. */
  readonly loadBalancerCommands: { readonly id: string; readonly command: LoadBalancerCommand }[] = [];
  /** The load balancer's answer to such a command, recorded as its stream would hold it; the domain's decider is not this library's to run. */
  answerLoadBalancer: (id: string, command: LoadBalancerCommand) => readonly DomainEvent<string, number, unknown>[] = () => [];
  private readonly instanceStates = new Map<string, ServiceInstanceState>();
  private readonly nodeStates = new Map<string, NodeState>();

  /** `addresses`: another source of VRRP addresses than the range's own pool (a benchmark past the range's size). */
  constructor(vrrpCidr = '198.19.192.0/18', handoverDrainMs = 0, addresses?: VrrpAddresses) {
    this.model = new SchedulingModel(vrrpCidr, handoverDrainMs, addresses);
  }

  /** Appends events of other writers (the api's VIPs, agents' releases) as they would reach the scheduler; returns the last event's id. */
  record(aggregate: AggregateType, aggregateId: string, events: readonly DomainEvent<string, number, unknown>[]): string {
    for (const e of events) {
      const envelope: EventEnvelope = {
        id: `e${this.log.length + 1}`,
        type: e.type,
        version: e.version,
        aggregate,
        aggregateId,
        tenantId: 'tenant',
        actor: 'simulation',
        occurredAt: new Date(0).toISOString(),
        correlationId: 'simulation',
        causationId: null,
        data: e.data,
      };
      this.log.push(envelope);
      if (aggregate === 'serviceinstance') {
        this.instanceStates.set(aggregateId, serviceInstanceDecider.evolve(this.instanceState(aggregateId), e as never));
      } else if (aggregate === 'node') {
        this.nodeStates.set(aggregateId, nodeDecider.evolve(this.nodeStates.get(aggregateId) ?? nodeDecider.initialState, e as never));
      }
      this.model.apply(envelope);
    }
    return `e${this.log.length}`;
  }

  instanceState(id: string): ServiceInstanceState {
    return this.instanceStates.get(id) ?? serviceInstanceDecider.initialState;
  }

  /** Decides each command against its stream, as the scheduler's executor does, and records what it appends. */
  execute(commands: readonly PlannedCommand[]): number {
    let appended = 0;
    for (const planned of commands) {
      if (planned.aggregate === 'loadbalancer') {
        this.loadBalancerCommands.push({ id: planned.id, command: planned.command });
        const answer = this.answerLoadBalancer(planned.id, planned.command);
        this.record('loadbalancer', planned.id, answer);
        appended += answer.length;
        continue;
      }
      let events: DomainEvent<string, number, unknown>[] = [];
      try {
        events =
          planned.aggregate === 'node'
            ? nodeDecider.decide(planned.command, this.nodeStates.get(planned.id) ?? nodeDecider.initialState)
            : serviceInstanceDecider.decide(planned.command, this.instanceState(planned.id));
      } catch {
        continue;
      }
      this.record(planned.aggregate, planned.id, events);
      appended += events.length;
    }
    return appended;
  }

  /** Plans and executes until nothing is left to do (bounded: a plan that never settles is a bug). */
  settle(ctx: () => PlanningContext, maxRounds = 20): number {
    let appended = 0;
    for (let round = 0; round < maxRounds && this.model.pendingWork; round++) appended += this.execute(this.model.plan(ctx()));
    return appended;
  }
}
