export * from './commit-codec';
export * from './nats-connection';
export * from './subjects';
