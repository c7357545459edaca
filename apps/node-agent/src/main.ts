import { runSimulatedNodes } from '@lbaas/dataplane';
import { NODE_NAME } from '@lbaas/domain';
import { connectNats } from '@lbaas/messaging';
import { serveHealth } from '@lbaas/service-health';
import pino from 'pino';

/**
 * One compute node's agent. The `fake` driver heartbeats and acknowledges removals without a
 * data plane; the `netns` and `process` drivers that run HAProxy and keepalived come with the
 * node-agent issue (5), and refuse to start until then rather than pretend.
 */
async function main(): Promise<void> {
  const nodeId = process.argv[2] ?? '';
  const log = pino({ level: process.env.LBAAS_LOG_LEVEL?.trim() || 'info', base: { service: 'node-agent', node: nodeId } });
  if (!NODE_NAME.test(nodeId)) throw new Error(`usage: node-agent <node name>; '${nodeId}' is not lower-case letters, digits and '-'`);
  const driver = process.env.LBAAS_NODE_DRIVER?.trim() || 'fake';
  if (driver !== 'fake') throw new Error(`LBAAS_NODE_DRIVER=${driver} is not available yet (issue 5 builds the netns and process drivers); use fake`);
  const heartbeatMs = Number(process.env.LBAAS_HEARTBEAT_MS?.trim() || 1000);
  const nc = await connectNats(`lbaas-node-agent-${nodeId}`);
  const nodes = await runSimulatedNodes({
    nc, nodeIds: [nodeId], heartbeatMs,
    onRelease: (r) => log.info(r, 'placement removed'),
    onError: (error) => log.error({ err: error }, 'could not report a removal; retried when the instance changes'),
  });
  const server = await serveHealth({
    name: 'node-agent', host: process.env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1', port: Number(process.env.LBAAS_HEALTH_PORT?.trim() || 9710),
    notReady: () => (nc.isClosed() ? 'not connected to NATS' : null),
    details: () => ({ node: nodeId, driver }),
  });
  log.info({ driver, heartbeatMs }, 'node agent heartbeating');
  const stop = async (signal: string): Promise<void> => {
    log.info({ signal }, 'stopping');
    await nodes.stop();
    await nc.drain().catch(() => undefined);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'node-agent', msg: String(error instanceof Error ? error.message : error) }));
  process.exit(1);
});
