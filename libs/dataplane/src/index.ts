export * from './netns-driver';
export * from './node-agent-loop';
export * from './placement-driver';
export * from './fabric';
