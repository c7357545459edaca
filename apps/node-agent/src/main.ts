import { FakeDriver, NetnsDriver, type PlacementDriver, ProcessDriver } from '@lbaas/dataplane';
import { NODE_NAME, ZONE_NAME } from '@lbaas/domain';
import { connectNats } from '@lbaas/event-log';
import { certificateKeyFile, NodeAgentMetrics, runNodeAgent } from '@lbaas/node-agent';
import { runRootFromEnv, serveHealth, ServiceMetrics, serviceLogger } from '@lbaas/service-shell';

/**
 * One compute node's agent. `netns` (root) runs each placement in its own namespace on the
 * fabric with HAProxy and keepalived; `process` (no root) runs HAProxy on the loopback image of
 * the fabric's addresses and fails over only when the scheduler does; `fake` runs nothing and
 * reports success, for simulations.
 */
async function main(): Promise<void> {
  const nodeId = process.argv[2] ?? '';
  const log = serviceLogger('node-agent', { base: { node: nodeId } });
  if (!NODE_NAME.test(nodeId)) throw new Error(`usage: node-agent <node name>; '${nodeId}' is not lower-case letters, digits and '-'`);
  const env = process.env;
  const driverName = env.LBAAS_NODE_DRIVER?.trim() || 'fake';
  const runRoot = runRootFromEnv(env);
  // Unset means the drivers' default, /usr/sbin/haproxy.
  const haproxyBin = env.LBAAS_HAPROXY_BIN?.trim() || undefined;
  let driver: PlacementDriver;
  if (driverName === 'netns') {
    if (process.getuid?.() !== 0)
      throw new Error('LBAAS_NODE_DRIVER=netns needs root (network namespaces); use process or fake without root');
    driver = new NetnsDriver({ prefix: env.LBAAS_NS_PREFIX?.trim() || 'lb-', runRoot, haproxyBin });
  } else if (driverName === 'process') {
    driver = new ProcessDriver({
      runRoot,
      portOffset: Number(env.LBAAS_PROCESS_PORT_OFFSET?.trim() || 20000),
      root: process.getuid?.() === 0,
      haproxyBin,
    });
  } else if (driverName === 'fake') {
    driver = new FakeDriver();
  } else {
    throw new Error(`LBAAS_NODE_DRIVER=${driverName} is not a driver: netns (root), process (no root) or fake`);
  }
  // Opens the private keys of the certificates this node's VIPs terminate TLS with: the api's key
  // file, read when a certificate first needs it. The fake driver writes no file, so needs none.
  const certificateKeyPath = env.LBAAS_CERTIFICATE_KEY_FILE?.trim() || '/etc/lbaas/certificate.key';
  const certificateKeys = driverName === 'fake' ? undefined : certificateKeyFile(certificateKeyPath);
  const heartbeatMs = Number(env.LBAAS_HEARTBEAT_MS?.trim() || 1000);
  const reconcileMs = Number(env.LBAAS_RECONCILE_MS?.trim() || 2000);
  const observeMs = Number(env.LBAAS_OBSERVE_MS?.trim() || 1000);
  const zone = env.LBAAS_NODE_ZONE?.trim() || null;
  if (zone !== null && !ZONE_NAME.test(zone))
    throw new Error(`LBAAS_NODE_ZONE='${zone}' is not a zone name: letters, digits, '.', '_' and '-'`);
  const nc = await connectNats(`lbaas-node-agent-${nodeId}`);
  const metrics = new NodeAgentMetrics(new ServiceMetrics('node-agent', { node: nodeId }));
  const nodes = await runNodeAgent({
    nc,
    nodeId,
    driver,
    heartbeatMs,
    zone,
    reconcileMs,
    observeMs,
    metrics,
    certificateKeys,
    log: (level, fields, message) => log[level](fields, message),
  });
  const server = await serveHealth({
    name: 'node-agent',
    host: process.env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    port: Number(process.env.LBAAS_HEALTH_PORT?.trim() || 9710),
    notReady: () => (nc.isClosed() ? 'not connected to NATS' : null),
    details: () => ({ node: nodeId, driver: driverName, zone }),
    metrics: metrics.service,
  });
  log.info({ driver: driverName, heartbeatMs }, 'node agent heartbeating');
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
