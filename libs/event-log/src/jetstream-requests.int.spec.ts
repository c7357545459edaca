import { startNatsServer, type NatsServerHandle } from '@lbaas/testing';
import { ErrorCode, headers, type NatsConnection, NatsError } from 'nats';
import { randomUUID } from 'node:crypto';
import { apiErrorCode, JetStreamApiError } from './jetstream-errors';
import { JetStreamRequests } from './jetstream-requests';
import { JetStreamEventStore } from './jetstream-event-store';
import { connectNats } from './nats-connection';
import { STREAM_NAME } from './subjects';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function natsError(run: () => Promise<unknown>): Promise<NatsError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof NatsError) return error;
    throw error;
  }
  throw new Error('resolved');
}

describe('JetStreamRequests against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let requests: JetStreamRequests;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-jetstream-requests', nats.url);
    await (await JetStreamEventStore.create(nc)).ensureStream();
    requests = new JetStreamRequests(nc, 500);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  const subject = (): string => `lbaas.events.network.${randomUUID()}`;
  const expecting = (sequence: number): ReturnType<typeof headers> => {
    const h = headers();
    h.set('Nats-Msg-Id', randomUUID());
    h.set('Nats-Expected-Last-Subject-Sequence', String(sequence));
    return h;
  };

  it('publishes, reads back by direct get and answers many requests at once, each with its own answer', async () => {
    const subjects = Array.from({ length: 100 }, subject);
    const acks = await Promise.all(subjects.map((s) => requests.publish(s, bytes(s), expecting(0))));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(100);
    const last = await Promise.all(subjects.map((s) => requests.directGet(STREAM_NAME, { last_by_subj: s })));
    expect(last.map((m) => new TextDecoder().decode(m.data))).toEqual(subjects);
    expect(last.map((m) => m.seq)).toEqual(acks.map((a) => a.seq));
    const next = await requests.directGet(STREAM_NAME, { seq: 1, next_by_subj: subjects[0] });
    expect(next.seq).toBe(acks[0].seq);
  });

  it('reports a duplicate commit id as the first copy', async () => {
    const s = subject();
    const h = expecting(0);
    const first = await requests.publish(s, bytes('x'), h);
    expect(await requests.publish(s, bytes('x'), h)).toEqual({ seq: first.seq, duplicate: true });
  });

  it("throws nats.js's errors: the API's refusal, no message, no responders, a timeout, a closed connection", async () => {
    const s = subject();
    await requests.publish(s, bytes('x'), expecting(0));
    expect(apiErrorCode(await natsError(() => requests.publish(s, bytes('y'), expecting(0))))).toBe(JetStreamApiError.WrongLastSequence);
    expect((await natsError(() => requests.directGet(STREAM_NAME, { last_by_subj: subject() }))).code).toBe('404');
    expect((await natsError(() => requests.publish('lbt.nobody.listens', bytes('x'), expecting(0)))).code).toBe(ErrorCode.NoResponders);
    const silent = nc.subscribe('lbt.silent', { callback: () => undefined });
    expect((await natsError(() => requests.publish('lbt.silent', bytes('x'), expecting(0)))).code).toBe(ErrorCode.Timeout);
    silent.unsubscribe();

    const closing = await connectNats('lbt-jetstream-requests-closed', nats.url);
    const orphan = new JetStreamRequests(closing);
    nc.subscribe('lbt.silent.too', { callback: () => undefined });
    await nc.flush();
    const answered = orphan.publish('lbt.silent.too', bytes('x'), expecting(0));
    await closing.close();
    expect((await natsError(() => answered)).code).toBe(ErrorCode.ConnectionClosed);
    expect((await natsError(() => orphan.directGet(STREAM_NAME, { last_by_subj: subject() }))).code).toBe(ErrorCode.ConnectionClosed);
  });
});
