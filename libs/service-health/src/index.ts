export * from './health-endpoints';
export * from './planned-service';
