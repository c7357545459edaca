export * from './principal';
export * from './token-file';
export * from './policy';
export * from './keystone-token';
export * from './keystone-client';
export * from './keystone-authenticator';
export * from './authenticator-from-env';
export * from './password-token';
