/** Injection tokens for the ports the command service depends on. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const RESOURCE_LOOKUP = Symbol('RESOURCE_LOOKUP');
/** A clock and id source, so tests can make time and ids exact. */
export const COMMAND_ENVIRONMENT = Symbol('COMMAND_ENVIRONMENT');
/** Optional: told every sequence the command service appends (read-your-writes after failed sagas too). */
export const APPEND_OBSERVER = Symbol('APPEND_OBSERVER');
/** The deployment's certificate key ring (@lbaas/secrets): private keys are sealed with it before anything is appended. */
export const CERTIFICATE_KEY_RING = Symbol('CERTIFICATE_KEY_RING');
