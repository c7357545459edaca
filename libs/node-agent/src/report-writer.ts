import { loadBalancerDecider, poolDecider, serviceInstanceDecider, vipDecider } from '@lbaas/domain';
import { executeSystemCommand, type JetStreamEventStore, type SystemActor } from '@lbaas/event-log';
import type { AgentLog } from './agent-log';
import { type FoldedStatuses, type Report, type StatusCommand, statusCommands, statusRecorded } from './reports';

/**
 * Appends a pass's reports, each decided on its aggregate's stream, so a report the log already
 * holds appends nothing: reporting the same state every pass costs reads, never events.
 */
export class ReportWriter {
  constructor(
    private readonly store: JetStreamEventStore,
    private readonly nodeId: string,
    private readonly log: AgentLog,
    private readonly folded: FoldedStatuses,
  ) {}

  private appended(actor: SystemActor, fields: Record<string, unknown>, events: readonly { type: string }[]): void {
    if (events.length > 0)
      this.log(
        'info',
        { correlationId: actor.correlationId, causationId: actor.causationId, ...fields, events: events.map((e) => e.type) },
        'appended',
      );
  }

  async write(report: Report, actor: SystemActor): Promise<void> {
    const { store, nodeId } = this;
    switch (report.kind) {
      case 'applied': {
        const { instanceId, vmId, haproxyHash, keepalivedHash } = report;
        const result = await executeSystemCommand(
          store,
          serviceInstanceDecider,
          instanceId,
          { type: 'RecordApplied', data: { instanceId, vmId, nodeId, haproxyHash, keepalivedHash } },
          actor,
        );
        if (result.events.length > 0)
          this.log(
            'info',
            { correlationId: actor.correlationId, causationId: actor.causationId, instanceId, vmId, haproxyHash },
            'placement applied',
          );
        return;
      }
      case 'failed': {
        const { instanceId, vmId, haproxyHash, reason } = report;
        this.log('error', { correlationId: actor.correlationId, instanceId, vmId, err: reason }, 'placement not applied; retrying');
        const result = await executeSystemCommand(
          store,
          serviceInstanceDecider,
          instanceId,
          { type: 'RecordFailed', data: { instanceId, vmId, nodeId, haproxyHash, reason } },
          actor,
        );
        this.appended(actor, { instanceId, vmId }, result.events);
        return;
      }
      case 'status': {
        // In order: a VIP before its pool.
        for (const c of statusCommands(report, new Date().toISOString()))
          if (!statusRecorded(c, this.folded)) await this.writeStatus(c, actor);
        return;
      }
      case 'released': {
        const { instanceId, vmId } = report;
        const result = await executeSystemCommand(
          store,
          serviceInstanceDecider,
          instanceId,
          { type: 'ReleasePlacement', data: { instanceId, vmId } },
          actor,
        );
        this.appended(actor, { instanceId, vmId }, result.events);
        return;
      }
      case 'vipHeld': {
        const { instanceId, vmId, keepalivedHash } = report;
        const result = await executeSystemCommand(
          store,
          serviceInstanceDecider,
          instanceId,
          { type: 'RecordVipHeld', data: { instanceId, vmId, nodeId, keepalivedHash, at: new Date().toISOString() } },
          actor,
        );
        this.appended(actor, { instanceId, vmId }, result.events);
        return;
      }
      default: {
        const unhandled: never = report;
        throw new Error(`unknown report ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private async writeStatus(c: StatusCommand, actor: SystemActor): Promise<void> {
    const { store } = this;
    switch (c.aggregate) {
      case 'vip':
        return this.appended(actor, { vipId: c.id }, (await executeSystemCommand(store, vipDecider, c.id, c.command, actor)).events);
      case 'pool':
        return this.appended(actor, { poolId: c.id }, (await executeSystemCommand(store, poolDecider, c.id, c.command, actor)).events);
      case 'loadbalancer':
        return this.appended(
          actor,
          { loadBalancerId: c.id },
          (await executeSystemCommand(store, loadBalancerDecider, c.id, c.command, actor)).events,
        );
      default: {
        const unhandled: never = c;
        throw new Error(`unknown status command ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
