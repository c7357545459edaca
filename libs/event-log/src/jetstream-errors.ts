import { NatsError } from 'nats';

/** The JetStream API error codes this system reacts to (`err_code` of an API error). */
export const JetStreamApiError = {
  ConsumerNotFound: 10014,
  NoMessageFound: 10037,
  StreamNameInUse: 10058,
  StreamNotFound: 10059,
  /** `Nats-Expected-Last-Subject-Sequence` did not match: a concurrent append. */
  WrongLastSequence: 10071,
} as const;

/** The JetStream API error code carried by `error`, if it is one. */
export const apiErrorCode = (error: unknown): number | undefined => (error instanceof NatsError ? error.api_error?.err_code : undefined);
