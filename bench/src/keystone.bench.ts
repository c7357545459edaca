import { type KeystoneHandle, type Stack, startKeystone, startStack } from '@lbaas/testing';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type BenchRow, percentile, report } from './report';

/** Authenticated GETs per phase, in WORKERS loops; the phases alternate so drift hits both alike. */
const REQUESTS_PER_PHASE = 1000;
const ROUNDS = 4;
const WORKERS = 8;
/** New tokens: each costs the api one validation at Keystone. */
const NEW_TOKENS = 40;
const PHASE_BUDGET_MS = 120_000;
const REQUEST_TIMEOUT_MS = 30_000;
const PATH = '/v2.0/lb/pools';

/** One GET, timed from send to the last byte of the body; anything but a 200 stops the bench. */
async function timedGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<number> {
  const sent = performance.now();
  const response = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
  const text = await response.text();
  const ms = performance.now() - sent;
  if (response.status !== 200) throw new Error(`GET ${url} -> ${response.status} ${text.slice(0, 200)}`);
  return ms;
}

interface Phase {
  readonly ms: number[];
  readonly seconds: number;
}

/** REQUESTS_PER_PHASE GETs of the pools as `token`, WORKERS at a time. */
async function load(apiUrl: string, token: string, signal: AbortSignal): Promise<Phase> {
  const ms: number[] = [];
  const deadline = Date.now() + PHASE_BUDGET_MS;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS_PER_PHASE && Date.now() < deadline && !signal.aborted) {
      next++;
      ms.push(await timedGet(`${apiUrl}${PATH}`, { 'X-Auth-Token': token }, signal));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { ms, seconds: (performance.now() - started) / 1000 };
}

const merged = (phases: readonly Phase[]): Phase => ({
  ms: phases.flatMap((p) => p.ms).sort((a, b) => a - b),
  seconds: phases.reduce((sum, p) => sum + p.seconds, 0),
});

/**
 * The first request with each new token (the api validates it at Keystone once), and the floor:
 * the same validation asked of Keystone directly (GET /v3/auth/tokens with the service user's
 * token), one at a time. Tokens are issued before the clock starts.
 */
async function firstRequests(
  keystone: KeystoneHandle,
  apiUrl: string,
  signal: AbortSignal,
): Promise<{ viaApi: number[]; direct: number[] }> {
  const serviceToken = await keystone.token('lbaas');
  const viaApi: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < NEW_TOKENS && !signal.aborted; i++) {
    const [forApi, forKeystone] = [await keystone.token('demo'), await keystone.token('demo')];
    viaApi.push(await timedGet(`${apiUrl}${PATH}`, { 'X-Auth-Token': forApi }, signal));
    direct.push(await timedGet(`${keystone.url}/v3/auth/tokens`, { 'X-Auth-Token': serviceToken, 'X-Subject-Token': forKeystone }, signal));
  }
  return { viaApi: viaApi.sort((a, b) => a - b), direct: direct.sort((a, b) => a - b) };
}

async function run(signal: AbortSignal): Promise<void> {
  let keystone: KeystoneHandle | undefined;
  let stack: Stack | undefined;
  try {
    keystone = await startKeystone();
    // A timeout far above any validation: the bench measures latency, and a loaded machine must not turn it into 503s.
    stack = await startStack({
      env: { ...keystone.env, LBAAS_AUTH: 'keystone+tokens', LBAAS_LOG_LEVEL: 'warn', LBAAS_KEYSTONE_TIMEOUT_MS: '30000' },
    });
    await keystone.setCatalog({ apiUrl: stack.apiUrl });
    const devToken = stack.tokens.demo.token;
    const keystoneToken = await keystone.token('demo');
    // Warm both paths: the Keystone token's validation is cached from here on.
    for (const token of [devToken, keystoneToken]) await timedGet(`${stack.apiUrl}${PATH}`, { 'X-Auth-Token': token }, signal);
    const requestsBefore = await keystone.requestCount();

    console.log(
      `load: ${ROUNDS} rounds of ${REQUESTS_PER_PHASE} GET ${PATH} with the dev token, then with a cached Keystone token, ${WORKERS} workers`,
    );
    const dev: Phase[] = [];
    const cached: Phase[] = [];
    for (let round = 0; round < ROUNDS && !signal.aborted; round++) {
      dev.push(await load(stack.apiUrl, devToken, signal));
      cached.push(await load(stack.apiUrl, keystoneToken, signal));
    }
    const keystoneRequestsDuringLoad = (await keystone.requestCount()) - requestsBefore;
    console.log(`first requests: ${NEW_TOKENS} new Keystone tokens, each used once, beside Keystone's own GET /v3/auth/tokens`);
    const first = await firstRequests(keystone, stack.apiUrl, signal);

    const devAll = merged(dev);
    const cachedAll = merged(cached);
    const devRate = devAll.ms.length / devAll.seconds;
    const rows: BenchRow[] = [
      { metric: 'floor: GET with a dev token (token file), requests/s', value: devRate, unit: 'req/s' },
      { metric: 'floor: GET with a dev token, p50', value: percentile(devAll.ms, 50), unit: 'ms' },
      {
        metric: 'GET with a cached Keystone token, requests/s',
        value: cachedAll.ms.length / cachedAll.seconds,
        unit: 'req/s',
        floor: { metric: 'dev token req/s', value: devRate },
      },
      {
        metric: 'GET with a cached Keystone token, p50',
        value: percentile(cachedAll.ms, 50),
        unit: 'ms',
        floor: { metric: 'dev token p50', value: percentile(devAll.ms, 50) },
      },
      {
        metric: 'GET with a cached Keystone token, p99',
        value: percentile(cachedAll.ms, 99),
        unit: 'ms',
        floor: { metric: 'dev token p99', value: percentile(devAll.ms, 99) },
      },
      { metric: 'floor: Keystone GET /v3/auth/tokens (validation), p50', value: percentile(first.direct, 50), unit: 'ms' },
      {
        metric: 'first GET with a new Keystone token, p50',
        value: percentile(first.viaApi, 50),
        unit: 'ms',
        floor: { metric: 'Keystone validation p50 + dev-token GET p50', value: percentile(first.direct, 50) + percentile(devAll.ms, 50) },
      },
      { metric: 'first GET with a new Keystone token, max', value: first.viaApi[first.viaApi.length - 1] ?? 0, unit: 'ms' },
      { metric: 'Keystone requests during the cached-token load', value: keystoneRequestsDuringLoad, unit: 'requests' },
    ];
    report('keystone', rows, {
      // Other work on the machine moves these numbers: the load average says how much there was.
      machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg() },
      load: {
        path: PATH,
        requestsPerPhase: REQUESTS_PER_PHASE,
        rounds: ROUNDS,
        workers: WORKERS,
        devRequests: devAll.ms.length,
        cachedRequests: cachedAll.ms.length,
      },
      firstRequests: { tokens: NEW_TOKENS, measured: first.viaApi.length },
    });
  } finally {
    await stack?.stop();
    await keystone?.stop();
  }
}

export const keystone = { name: 'keystone', run };
