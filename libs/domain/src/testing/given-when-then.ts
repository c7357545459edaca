import type { Decider } from '../decider';
import type { DomainEvent } from '../envelope';
import type { DomainError } from '../errors';
import { catalogueMismatches } from '../event-payload-check';

/**
 * Given/when/then for deciders, used by the domain's specs only. It needs no test-runner
 * types because the domain's build compiles it too; a failed expectation throws.
 */
type DomainErrorClass = abstract new (...args: never[]) => DomainError;

const show = (value: unknown): string => JSON.stringify(value, null, 2);

/** Structural equality of JSON data, as events are stored: a key present with `undefined` differs from an absent key. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && sameData(x[k], y[k]));
}

export function given<C extends { type: string }, S, E extends DomainEvent<string, number, unknown>>(
  decider: Decider<C, S, E>,
  history: readonly E[] = [],
) {
  const state = history.reduce((s, e) => decider.evolve(s, e), decider.initialState);
  return {
    state,
    when: (command: C) => ({
      then(expected: readonly E[]): void {
        const actual = decider.decide(command, state);
        if (!sameData(actual, expected)) throw new Error(`${command.type} decided\n${show(actual)}\nbut expected\n${show(expected)}`);
        // Every event a spec sees decided is a sample for the catalogue's payload schemas.
        const mismatches = actual.flatMap(catalogueMismatches);
        if (mismatches.length > 0)
          throw new Error(`${command.type} decided events the catalogue does not describe:\n${mismatches.join('\n')}`);
      },
      thenThrows(errorClass: DomainErrorClass, neutronType?: string): void {
        let actual: E[];
        try {
          actual = decider.decide(command, state);
        } catch (error) {
          if (!(error instanceof errorClass))
            throw new Error(`${command.type} should throw ${errorClass.name}, threw ${String(error)}`, { cause: error });
          if (neutronType !== undefined && error.neutronType !== neutronType) {
            throw new Error(`${command.type} threw ${errorClass.name} ${error.neutronType} (${error.message}), expected ${neutronType}`);
          }
          return;
        }
        throw new Error(`${command.type} should throw ${errorClass.name}, decided\n${show(actual)}`);
      },
    }),
  };
}
