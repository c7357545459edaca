export * from './content-hash';
export * from './expected-codes';
export {
  baseHaproxyInput,
  baseKeepalivedInput,
  HAPROXY_CASES,
  memberOf,
  monitorOf,
  withMembers,
  withMonitors,
  withPool,
  withVip,
} from './golden-cases';
export * from './model';
export * from './render-haproxy';
export * from './render-keepalived';
export * from './validate';
export * from './show-stat';
export * from './placement-bundle';
export * from './runtime-changes';
export * from './tls';
export * from './throwaway-certificate';
export * from './config-string';
export * from './regex-check';
