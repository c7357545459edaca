export * from './event-store';
export * from './jetstream-event-store';
