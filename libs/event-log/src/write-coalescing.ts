import type { NatsConnection } from 'nats';

/**
 * The parts of nats.js 2.x's protocol handler that decide when what a connection has queued goes
 * to the socket. They are not public API: `coalesceWrites` checks their shape before it changes
 * anything, so a nats.js that moved them leaves the connection as it was.
 */
interface OutboundBuffer {
  length(): number;
  size(): number;
  fill(frame: Uint8Array, ...payloads: Uint8Array[]): void;
}

export interface ProtocolWrites {
  outbound: OutboundBuffer;
  pendingLimit: number;
  flushPending(): void;
  sendCommand(command: string | Uint8Array, ...payloads: Uint8Array[]): void;
}

const isProtocolWrites = (value: unknown): value is ProtocolWrites => {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<Record<keyof ProtocolWrites, unknown>>;
  const outbound = p.outbound as Partial<Record<keyof OutboundBuffer, unknown>> | undefined;
  return (
    typeof p.sendCommand === 'function' &&
    typeof p.flushPending === 'function' &&
    typeof p.pendingLimit === 'number' &&
    typeof outbound === 'object' &&
    outbound !== null &&
    typeof outbound.length === 'function' &&
    typeof outbound.size === 'function' &&
    typeof outbound.fill === 'function'
  );
};

const encoder = new TextEncoder();

/**
 * Makes `protocol` write what it queued once per turn of the event loop (setImmediate) instead of
 * once per microtask checkpoint: nats.js writes each request and publish on its own as soon as
 * the code that made it yields, so sixteen HTTP requests in flight were some thirty socket writes
 * a turn. A buffer past the protocol's pending limit is still written at once, and flushes nats.js
 * asks for itself (PING, close) are untouched.
 */
export function writeOncePerTurn(protocol: ProtocolWrites): void {
  protocol.sendCommand = (command, ...payloads) => {
    const queuedBefore = protocol.outbound.length();
    protocol.outbound.fill(typeof command === 'string' ? encoder.encode(command) : command, ...payloads);
    if (queuedBefore === 0) setImmediate(() => protocol.flushPending());
    else if (protocol.outbound.size() >= protocol.pendingLimit) protocol.flushPending();
  };
}

/**
 * One socket write per event-loop turn on `nc` (see `writeOncePerTurn`): under the api-create
 * load this took nats-server's CPU per create from 0.20 to 0.14 ms and a little of the api's (issue 17).
 * Messages keep their order; each waits at most for the rest of the turn it was sent in. False
 * when this nats.js does not have the internals it changes: the connection is then unchanged.
 */
export function coalesceWrites(nc: NatsConnection): boolean {
  const protocol: unknown = (nc as NatsConnection & { protocol?: unknown }).protocol;
  if (!isProtocolWrites(protocol)) return false;
  writeOncePerTurn(protocol);
  return true;
}
