export * from './commit-codec';
export * from './commit-consumer';
export * from './commit-replay';
export * from './event-stream';
export * from './jetstream-errors';
export * from './nats-connection';
export * from './subjects';
