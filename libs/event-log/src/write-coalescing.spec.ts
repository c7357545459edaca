import { coalesceWrites, type ProtocolWrites, writeOncePerTurn } from './write-coalescing';
import type { NatsConnection } from 'nats';

const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** nats.js's protocol handler as far as writes go: a buffer of frames and the socket writes made of it. */
function fakeProtocol(pendingLimit = 1024): ProtocolWrites & { writes: string[] } {
  let queued: Uint8Array[] = [];
  const writes: string[] = [];
  return {
    writes,
    pendingLimit,
    outbound: {
      length: () => queued.length,
      size: () => queued.reduce((sum, frame) => sum + frame.length, 0),
      fill: (frame, ...payloads) => {
        queued.push(frame, ...payloads);
      },
    },
    flushPending() {
      if (queued.length === 0) return;
      writes.push(queued.map((frame) => decoder.decode(frame)).join(''));
      queued = [];
    },
    sendCommand: () => {
      throw new Error('replaced by writeOncePerTurn');
    },
  };
}

describe('writeOncePerTurn', () => {
  it('writes every command of one turn in one write, in the order they were sent', async () => {
    const protocol = fakeProtocol();
    writeOncePerTurn(protocol);
    protocol.sendCommand('PUB a 1\r\n', bytes('x'), bytes('\r\n'));
    await Promise.resolve();
    protocol.sendCommand(bytes('PUB b 1\r\n'), bytes('y'), bytes('\r\n'));
    expect(protocol.writes).toEqual([]);
    await nextTurn();
    expect(protocol.writes).toEqual(['PUB a 1\r\nx\r\nPUB b 1\r\ny\r\n']);
    protocol.sendCommand('SUB c 1\r\n');
    await nextTurn();
    expect(protocol.writes).toEqual(['PUB a 1\r\nx\r\nPUB b 1\r\ny\r\n', 'SUB c 1\r\n']);
  });

  it('writes at once when the buffer reaches the pending limit', async () => {
    const protocol = fakeProtocol(8);
    writeOncePerTurn(protocol);
    protocol.sendCommand('1234');
    protocol.sendCommand('5678');
    expect(protocol.writes).toEqual(['12345678']);
    protocol.sendCommand('9');
    await nextTurn();
    expect(protocol.writes).toEqual(['12345678', '9']);
  });

  it('leaves a flush nats.js asks for itself (a PING, a close) immediate', () => {
    const protocol = fakeProtocol();
    writeOncePerTurn(protocol);
    protocol.sendCommand('PUB a 0\r\n\r\n');
    protocol.outbound.fill(bytes('PING\r\n'));
    protocol.flushPending();
    expect(protocol.writes).toEqual(['PUB a 0\r\n\r\nPING\r\n']);
  });
});

describe('coalesceWrites', () => {
  it('leaves a connection whose internals it does not know as it was', () => {
    const sendCommand = (): void => undefined;
    const connection = { protocol: { sendCommand, flushPending: () => undefined } };
    expect(coalesceWrites(connection as unknown as NatsConnection)).toBe(false);
    expect(connection.protocol.sendCommand).toBe(sendCommand);
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
