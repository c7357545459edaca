export { runtimeCommand, waitFor } from './daemons';
export type { AddressWait } from './address-watch';
export * from './fabric';
export * from './fake-driver';
export * from './loopback-config';
export * from './netns-driver';
export * from './placement-driver';
export * from './process-driver';
export * from './tls-files';
