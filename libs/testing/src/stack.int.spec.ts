import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Stack, startStack } from './stack';

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startStack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  const networks = async (who: 'demo' | 'other') => {
    const res = await fetch(`${stack.apiUrl}/v2.0/networks`, { headers: { 'X-Auth-Token': stack.tokens[who].token } });
    return { status: res.status, body: (await res.json()) as { networks: { id: string; name: string }[] } };
  };

  it('serves the api with the tokens it wrote, one tenant per actor', async () => {
    expect(new Set([stack.tokens.admin, stack.tokens.demo, stack.tokens.other].map((t) => t.tenant_id)).size).toBe(3);
    expect(stack.tokens.admin.roles).toEqual(['admin']);
    const created = await fetch(`${stack.apiUrl}/v2.0/networks`, {
      method: 'POST',
      headers: { 'X-Auth-Token': stack.tokens.demo.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ network: { name: 'lb-stack-net' } }),
    });
    expect(created.status).toBe(201);
    expect((await networks('demo')).body.networks.map((n) => n.name)).toEqual(['lb-stack-net']);
    expect((await networks('other')).body.networks).toEqual([]);
  });

  it('brings a killed projections service back with its read models', async () => {
    const before = stack.services.projections.pid();
    await stack.killService('projections');
    expect(alive(before)).toBe(false);
    await stack.startService('projections');
    expect(stack.services.projections.pid()).not.toBe(before);
    expect((await networks('demo')).body.networks.map((n) => n.name)).toEqual(['lb-stack-net']);
  });

  it('restarts the api gracefully', async () => {
    const before = stack.services.api.pid();
    await stack.restartService('api');
    expect(stack.services.api.pid()).not.toBe(before);
    expect((await networks('demo')).status).toBe(200);
  });

  it('gives the api a certificate key of its own, in a 0600 file the node agents can be given', () => {
    expect(dirname(stack.certificateKeyFile)).toBe(stack.dir);
    expect(readFileSync(stack.certificateKeyFile, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(stack.certificateKeyFile).mode & 0o777).toBe(0o600);
    expect(stack.services.api.logs()).not.toContain(readFileSync(stack.certificateKeyFile, 'utf8'));
  });

  it('stops every process it started and removes its directories', async () => {
    const pids = [stack.services.api.pid(), stack.services.projections.pid(), stack.nats.pid()];
    const dirs = [stack.dir, stack.nats.storeDir];
    await stack.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });
});
