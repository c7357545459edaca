import { FakeDriver } from '@lbaas/dataplane';
import { NODE_NAME, ZONE_NAME } from '@lbaas/domain';
import { connectNats } from '@lbaas/event-log';
import { runNodeAgent } from '@lbaas/node-agent';
import { parseArgs } from 'node:util';

const MAX_NODES = 2000;

/**
 * `lbaas dev nodes --count N`: simulated compute nodes that heartbeat until Ctrl-C, so the
 * scheduler can place instances before real node agents exist on a machine. Each runs the node
 * agent of the real ones (libs/node-agent) on the fake driver, which keeps the machine it
 * pretends to have in memory.
 */
export async function runDevNodes(args: string[], natsUrl: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { count: { type: 'string' }, prefix: { type: 'string' }, 'heartbeat-ms': { type: 'string' }, zone: { type: 'string' } },
    }));
  } catch (error) {
    console.error(`lbaas dev nodes: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const count = Number(values.count ?? '3');
  const prefix = values.prefix ?? 'sim-node';
  const heartbeatMs = Number(values['heartbeat-ms'] ?? '1000');
  const zone = values.zone ?? null;
  if (zone !== null && !ZONE_NAME.test(zone)) {
    console.error(`lbaas dev nodes: --zone '${zone}' must be letters, digits, '.', '_' and '-'`);
    return 2;
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) {
    console.error(`lbaas dev nodes: --count must be an integer from 1 to ${MAX_NODES}`);
    return 2;
  }
  if (!NODE_NAME.test(`${prefix}-${count}`)) {
    console.error(`lbaas dev nodes: --prefix '${prefix}' must be lower-case letters, digits and '-'`);
    return 2;
  }
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 50 || heartbeatMs > 60_000) {
    console.error('lbaas dev nodes: --heartbeat-ms must be an integer from 50 to 60000');
    return 2;
  }
  const nc = await connectNats('lbaas-dev-nodes', natsUrl);
  const nodeIds = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  const nodes = await Promise.all(
    nodeIds.map((nodeId) =>
      runNodeAgent({
        nc,
        nodeId,
        driver: new FakeDriver(),
        heartbeatMs,
        zone,
        reconcileMs: 5000,
        observeMs: 5000,
        log: (level, fields, message) => {
          if (level !== 'debug' && (level !== 'info' || message !== 'placement applied'))
            console.log(`${nodeId}: ${message} ${JSON.stringify(fields)}`);
        },
      }),
    ),
  );
  const where = zone === null ? '' : ` in zone ${zone}`;
  console.log(`${count} simulated node(s)${where} heartbeating every ${heartbeatMs} ms: ${nodeIds.join(', ')}; Ctrl-C stops them`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all(nodes.map((n) => n.stop()));
  await nc.drain().catch(() => undefined);
  return 0;
}
