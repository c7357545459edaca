export * from './principal';
export * from './token-file';
export * from './policy';
export * from './authenticator-from-env';
