export { runtimeCommand } from './daemons';
export * from './loopback-config';
export * from './netns-driver';
export * from './node-agent-loop';
export * from './placement-driver';
export * from './process-driver';
export * from './fabric';
export * from './node-agent-metrics';
