export * from './free-port';
export * from './nats-server';
export * from './service-process';
export * from './stack';
