import { apiCluster } from './api-cluster.bench';
import { apiCreate } from './api-create.bench';
import { chaosSoak } from './chaos-soak.bench';
import { dataplane } from './dataplane.bench';
import { failoverCurve } from './failover-curve.bench';
import { keystone } from './keystone.bench';
import { keystoneAuth } from './keystone-auth.bench';
import { l7Rules } from './l7-rules.bench';
import { listPaging } from './list-paging.bench';
import { octaviaCreate } from './octavia-create.bench';
import { placementRender } from './placement-render.bench';
import { rebuild } from './rebuild.bench';
import { scale } from './scale.bench';
import { tls } from './tls.bench';

interface Bench {
  readonly name: string;
  /** Owns everything it starts and stops it before resolving or rejecting; `signal` asks it to wind down early. */
  run(signal: AbortSignal): Promise<void>;
}

const BENCHES: readonly Bench[] = [
  apiCreate,
  apiCluster,
  listPaging,
  placementRender,
  rebuild,
  dataplane,
  failoverCurve,
  octaviaCreate,
  l7Rules,
  tls,
  chaosSoak,
  keystoneAuth,
  keystone,
  scale,
];

/** Runs every bench in sequence; each prints its table and writes bench/results/<name>.json. */
async function main(): Promise<void> {
  // `npm run bench -- list-paging` runs only the benches named.
  const only = process.argv.slice(2);
  const interrupt = new AbortController();
  // A bench interrupted from the terminal still stops the nats-server and services it started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => interrupt.abort(new Error(`${signal} received`)));
  }
  for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
    if (interrupt.signal.aborted) break;
    console.log(`\n== bench ${bench.name}`);
    await bench.run(interrupt.signal);
  }
  if (interrupt.signal.aborted) throw interrupt.signal.reason;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
