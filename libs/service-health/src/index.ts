export * from './health-endpoints';
export * from './coalesced-rounds';
