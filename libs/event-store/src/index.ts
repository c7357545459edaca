export * from './command-handler';
export * from './event-store';
export * from './jetstream-event-store';
export * from './system-command';
