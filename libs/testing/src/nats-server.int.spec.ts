import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect, type NatsConnection, StorageType } from 'nats';
import { freePort } from './free-port';
import { type NatsServerHandle, startNatsServer } from './nats-server';

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('freePort', () => {
  it('gives a loopback port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await bindable(port)).toBe(true);
  });
});

describe('startNatsServer', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection | undefined;

  const streamMessages = async (): Promise<number> => {
    const jsm = await nc!.jetstreamManager();
    return (await jsm.streams.info('LBT_PROBE')).state.messages;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('serves JetStream on its port, with the store in a temporary directory', async () => {
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(nats.storeDir).toMatch(/lbt-nats-/);
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'LBT_PROBE', subjects: ['lbt.probe.>'], storage: StorageType.File });
    await nc.jetstream().publish('lbt.probe.1', new Uint8Array([1]));
    expect(await streamMessages()).toBe(1);
  });

  it('restarts on the same port with the same store', async () => {
    const before = nats.pid();
    await nats.restart();
    expect(nats.pid()).not.toBe(before);
    expect(alive(before)).toBe(false);
    const fresh = await connect({ servers: nats.url });
    try {
      expect((await (await fresh.jetstreamManager()).streams.info('LBT_PROBE')).state.messages).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('comes back after a SIGKILL with what it had stored', async () => {
    const before = nats.pid();
    await nats.kill();
    expect(alive(before)).toBe(false);
    await nats.start();
    const fresh = await connect({ servers: nats.url });
    try {
      expect((await (await fresh.jetstreamManager()).streams.info('LBT_PROBE')).state.messages).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('stops the process and removes the store', async () => {
    const pid = nats.pid();
    await nc?.close();
    nc = undefined;
    await nats.stop();
    expect(alive(pid)).toBe(false);
    expect(existsSync(nats.storeDir)).toBe(false);
  });
});

describe('startNatsServer on a port that is taken', () => {
  it("fails with the server's own reason rather than waiting for the bound", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(startNatsServer({ port })).rejects.toThrow(/exited: .*address already in use/s);
    } finally {
      holder.close();
    }
  });
});
