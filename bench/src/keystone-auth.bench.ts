import { type Authenticator, KeystoneAuthenticator, keystoneOptionsFromEnv, TokenFileAuthenticator } from '@lbaas/identity';
import { type KeystoneHandle, startKeystone } from '@lbaas/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile, report } from './report';

const CACHED_CALLS = 50_000;
const NEW_TOKENS = 40;
const quiet = { warn: () => undefined, error: () => undefined };

interface Series {
  readonly perSecond: number;
  readonly p50Us: number;
}

/** `calls` sequential authenticate() calls with one token: calls per second and the median call, in microseconds. */
async function hammer(auth: Authenticator, token: string, calls: number): Promise<Series> {
  for (let i = 0; i < 1000; i++) await auth.authenticate(token);
  const each: number[] = [];
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await auth.authenticate(token);
    each.push((performance.now() - t) * 1000);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    perSecond: calls / seconds,
    p50Us: percentile(
      each.sort((a, b) => a - b),
      50,
    ),
  };
}

/** GET /v3/auth/tokens as the service user, as directly as fetch allows: the floor of a first validation. */
async function validateDirectly(keystone: KeystoneHandle, serviceToken: string, token: string): Promise<void> {
  const response = await fetch(`${keystone.url}/v3/auth/tokens?nocatalog`, {
    headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': token, Accept: 'application/json' },
  });
  await response.json();
  if (response.status !== 200) throw new Error(`Keystone answered ${response.status}`);
}

/**
 * The cost of Keystone authentication in the api's process. A cached Keystone token against the
 * dev token file (both answer from memory); a token's first call, one Keystone round trip,
 * against a direct GET /v3/auth/tokens to the same Keystone, interleaved over fresh tokens.
 */
async function run(signal: AbortSignal): Promise<void> {
  const keystone = await startKeystone();
  const dir = mkdtempSync(join(tmpdir(), 'lbaas-bench-keystone-'));
  try {
    const devToken = 'bench-dev-token-0123456789abcdef';
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ demo: { token: devToken, tenant_id: 'tenant-demo', roles: ['member'] } }));
    const file = new TokenFileAuthenticator(join(dir, 'tokens.json'));
    const auth = new KeystoneAuthenticator(keystoneOptionsFromEnv(keystone.env, quiet));
    const cachedToken = await keystone.token('demo');
    await auth.authenticate(cachedToken);
    const fileSeries = await hammer(file, devToken, CACHED_CALLS);
    const cachedSeries = await hammer(auth, cachedToken, CACHED_CALLS);

    const serviceToken = await keystone.token('lbaas');
    const first: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < NEW_TOKENS && !signal.aborted; i++) {
      const [a, b] = [await keystone.token('demo'), await keystone.token('demo')];
      let t = performance.now();
      await auth.authenticate(a);
      first.push(performance.now() - t);
      t = performance.now();
      await validateDirectly(keystone, serviceToken, b);
      direct.push(performance.now() - t);
    }
    first.sort((x, y) => x - y);
    direct.sort((x, y) => x - y);
    report(
      'keystone-auth',
      [
        {
          metric: 'cached Keystone token: authenticate() calls/s',
          value: cachedSeries.perSecond,
          unit: 'calls/s',
          floor: { metric: 'dev token file calls/s', value: fileSeries.perSecond },
        },
        {
          metric: 'cached Keystone token: authenticate() p50',
          value: cachedSeries.p50Us,
          unit: 'µs',
          floor: { metric: 'dev token file p50 (µs)', value: fileSeries.p50Us },
        },
        {
          metric: 'new token: first authenticate() p50',
          value: percentile(first, 50),
          unit: 'ms',
          floor: { metric: 'direct GET /v3/auth/tokens p50 (ms)', value: percentile(direct, 50) },
        },
        {
          metric: 'new token: first authenticate() p99',
          value: percentile(first, 99),
          unit: 'ms',
          floor: { metric: 'direct GET /v3/auth/tokens p99 (ms)', value: percentile(direct, 99) },
        },
      ],
      {
        cachedCalls: CACHED_CALLS,
        newTokens: first.length,
        keystone: 'Debian keystone under uwsgi, SQLite, fernet',
        node: process.version,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await keystone.stop();
  }
}

export const keystoneAuth = { name: 'keystone-auth', run };
