export * from './audit-chain';
export * from './audit-store';
export * from './audit-tables';
export * from './canonical-json';
export * from './record-mapping';
