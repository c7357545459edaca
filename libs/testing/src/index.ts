export * from './free-port';
export * from './exit-cleanup';
export * from './nats-server';
export * from './nats-cluster';
export * from './service-process';
export * from './stack';
export * from './prometheus-text';
