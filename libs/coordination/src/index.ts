// What services tell each other beside the log: node heartbeats, leader leases, live pool stats samples.
export * from './config-store';
export * from './leader-lease';
export * from './node-heartbeat';
export * from './pool-stats';
