// The event log: the NATS connection (and its write coalescing), the stream, commits and their codec, append and read with optimistic concurrency, the command handler, consumers, followers and replays.
export * from './command-handler';
export * from './commit-codec';
export * from './commit-consumer';
export * from './commit-follower';
export * from './commit-replay';
export * from './event-store';
export * from './event-stream';
export * from './jetstream-errors';
export * from './jetstream-event-store';
export * from './nats-connection';
export * from './subjects';
export * from './system-command';
export * from './write-coalescing';
