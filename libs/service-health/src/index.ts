export * from './health-endpoints';
export * from './coalesced-rounds';
export * from './service-metrics';
export * from './service-logger';
export * from './port-from-env';
