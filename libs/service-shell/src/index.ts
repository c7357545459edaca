// What every service process is made of: health and metrics endpoints, the logger, settings.
export * from './coalesced-rounds';
export * from './health-endpoints';
export * from './settings-from-env';
export * from './service-logger';
export * from './service-metrics';
export * from './work-lanes';
