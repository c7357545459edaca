export * from './ca-bundle';
export * from './certificate-bundle';
export * from './deployment-key';
export * from './key-ring';
export { MAX_PEM_BYTES } from './pem';
export * from './revocation-list';
