export * from './certificate-bundle';
export * from './deployment-key';
export * from './key-ring';
