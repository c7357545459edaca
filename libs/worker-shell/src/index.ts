// The shell of the services that work on the event log: the process (NestJS context, start and fatal lines), health and NATS with an ordered stop, and the leader that folds the log and acts on it.
export * from './leader-worker';
export * from './service-lifetime';
export * from './service-process';
