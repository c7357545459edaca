import { poolDecider, serviceInstanceDecider, vipDecider } from '@lbaas/domain';
import { executeSystemCommand, type JetStreamEventStore, type SystemActor } from '@lbaas/event-log';
import type { AgentLog } from './agent-log';
import type { Report } from './reports';

/**
 * Appends a pass's reports, each decided on its aggregate's stream, so a report the log already
 * holds appends nothing: reporting the same state every pass costs reads, never events.
 */
export class ReportWriter {
  constructor(
    private readonly store: JetStreamEventStore,
    private readonly nodeId: string,
    private readonly log: AgentLog,
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
        // A load balancer's status is written by the v2 pipeline (issue 15), which this build does not create yet.
        if (report.source.kind !== 'vip') return;
        const { vipId, poolId } = report.source;
        const { status } = report;
        const statusDescription = report.description === null ? null : report.description.slice(0, 255);
        const vip = await executeSystemCommand(
          store,
          vipDecider,
          vipId,
          { type: 'RecordVipStatus', data: { vipId, status, statusDescription } },
          actor,
        );
        this.appended(actor, { vipId }, vip.events);
        const pool = await executeSystemCommand(
          store,
          poolDecider,
          poolId,
          { type: 'RecordPoolStatus', data: { poolId, status, statusDescription } },
          actor,
        );
        this.appended(actor, { poolId }, pool.events);
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
      default: {
        const unhandled: never = report;
        throw new Error(`unknown report ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
