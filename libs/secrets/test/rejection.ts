import { ValidationError } from '@lbaas/domain';

/** The message of the ValidationError `read` throws, checked to be a Neutron bad request; `what` names the input in the failure. */
export function rejection(read: () => unknown, what: string): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ neutronType: 'HTTPBadRequest', kind: 'invalid' });
    return (error as ValidationError).message;
  }
  throw new Error(`${what} was accepted`);
}
