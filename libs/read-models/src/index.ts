export * from './query-contract';
export * from './tables/resource-tables';
export * from './tables/bookkeeping-tables';
export * from './data-source';
export * from './projector';
export * from './query-service';
export * from './snapshot';
export * from './rebuild-beside';
