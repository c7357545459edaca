export * from './config-hash';
export * from './config-input-checks';
export { baseHaproxyInput, baseKeepalivedInput } from './golden-cases';
export * from './haproxy-config';
export * from './keepalived-config';
export * from './model';
export * from './status-code-regex';
