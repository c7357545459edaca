import { v4 as uuidv4, v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** Time and ids come from here, never from `decide`. */
export interface CommandEnvironment {
  now(): string;
  newId(): string;
  eventId(): string;
  /** The same name always gives the same id: idempotent creates and ids derived from other ids. */
  derivedId(name: string): string;
}

const NAMESPACE = '5b7c6f0e-3c1d-4f8e-9a51-6c2f1d0b4e77';

export const systemCommandEnvironment: CommandEnvironment = {
  now: () => new Date().toISOString(),
  newId: () => uuidv4(),
  eventId: () => uuidv7(),
  derivedId: (name) => uuidv5(name, NAMESPACE),
};
