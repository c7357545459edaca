export * from './content-hash';
export * from './expected-codes';
export { baseHaproxyInput, baseKeepalivedInput } from './golden-cases';
export * from './model';
export * from './render-haproxy';
export * from './render-keepalived';
export * from './validate';
export * from './show-stat';
export * from './runtime-changes';
