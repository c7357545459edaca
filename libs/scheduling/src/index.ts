export * from './address-pool';
export * from './load-balancer-sources';
export * from './pending-deadlines';
export * from './scheduling-model';
export * from './seeded-random';
export * from './simulation';
