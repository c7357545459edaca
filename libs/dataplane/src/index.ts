export * from './simulated-nodes';
