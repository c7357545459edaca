export * from './health-endpoints';
export * from './planned-service';
export * from './coalesced-rounds';
