// What services tell each other beside the log: node heartbeats, leader leases, live pool and listener stats samples.
export * from './config-store';
export * from './leader-lease';
export * from './listener-stats';
export * from './node-heartbeat';
export * from './pool-stats';
