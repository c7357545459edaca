import { freePort, killOnExit, waitFor } from '@lbaas/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { connectNats, natsCredentialsFromEnv } from './nats-connection';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'nats-credentials.js');

/**
 * The production layout of docker-compose.yml: scripts/nats-credentials.js gives every service
 * its own NATS user, and the services that only read the log cannot append to it.
 */
describe('per-service NATS credentials', () => {
  let dir: string;
  let server: ChildProcess;
  let url: string;
  const open: NatsConnection[] = [];
  const as = async (user: string, passwordFile = join(dir, user, 'password')): Promise<NatsConnection> => {
    const previous = { ...process.env };
    process.env.LBAAS_NATS_USER = user;
    process.env.LBAAS_NATS_PASSWORD_FILE = passwordFile;
    try {
      // A bound for a refused connection, which would otherwise be retried for ever.
      const nc = await Promise.race([
        connectNats(`test-${user}`, url),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not connected')), 3000)),
      ]);
      open.push(nc);
      return nc;
    } finally {
      process.env = previous;
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbt-natscred-'));
    execFileSync(process.execPath, [SCRIPT, dir]);
    const port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    // The generated nats.conf is the container's; this one listens on loopback with the same users.
    writeFileSync(
      join(dir, 'server', 'test.conf'),
      `server_name: lb-nats-cred-test\nlisten: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, 'js')}" }\ninclude ./users.conf\n`,
    );
    server = spawn('nats-server', ['-c', join(dir, 'server', 'test.conf')], { stdio: 'ignore' });
    killOnExit(server);
    await waitFor(
      'nats-server up',
      async () =>
        await as('api').then(
          (nc) => nc.close().then(() => true),
          () => false,
        ),
      15_000,
      100,
    );
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    server?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets a writer append to the event subjects, and refuses a reader', async () => {
    const api = await as('api');
    await (await api.jetstreamManager()).streams.add({ name: 'LBAAS_CRED_TEST', subjects: ['lbaas.events.>'] });
    await expect(api.jetstream().publish('lbaas.events.pool.x', new Uint8Array([1]))).resolves.toMatchObject({ seq: 1 });
    const dashboard = await as('dashboard');
    await expect(dashboard.jetstream().publish('lbaas.events.pool.x', new Uint8Array([2]), { timeout: 1500 })).rejects.toThrow(
      /permission|timeout/i,
    );
    // Reading the log is what a reader is for.
    expect((await (await dashboard.jetstreamManager()).streams.info('LBAAS_CRED_TEST')).state.messages).toBe(1);
  });

  it("refuses a wrong password, and another service's password", async () => {
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'not-the-password\n');
    await expect(as('api', wrong)).rejects.toThrow();
    await expect(as('api', join(dir, 'scheduler', 'password'))).rejects.toThrow();
  });

  it('says what is missing when the settings are half there', () => {
    expect(natsCredentialsFromEnv({})).toEqual({});
    expect(() => natsCredentialsFromEnv({ LBAAS_NATS_USER: 'api' })).toThrow('set both or neither');
    expect(() => natsCredentialsFromEnv({ LBAAS_NATS_PASSWORD_FILE: '/x' })).toThrow('set both or neither');
    expect(() => natsCredentialsFromEnv({ LBAAS_NATS_USER: 'api', LBAAS_NATS_PASSWORD_FILE: join(dir, 'missing') })).toThrow(
      'cannot read LBAAS_NATS_PASSWORD_FILE',
    );
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => natsCredentialsFromEnv({ LBAAS_NATS_USER: 'api', LBAAS_NATS_PASSWORD_FILE: empty })).toThrow('is empty');
  });
});
