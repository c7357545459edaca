import { Conflict } from '../errors';
import { live } from '../lifecycle';
import { fnv1a } from '../text';
import type { CreatePort, DeletePort, PortCommand } from './commands';
import type { PortCreated, PortDeleted, PortEvent } from './events';
import type { PortState } from './state';

/** OpenStack's locally administered prefix plus three bytes derived from the port id: stable across rebuilds. */
export const macAddressFor = (portId: string): string => {
  const h = fnv1a(portId);
  return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
};

const createPort = ({ data }: CreatePort, state: PortState): [PortCreated] => {
  if (state.kind !== 'absent') throw new Conflict('PortExists', `Port ${data.portId} already exists.`);
  return [{ type: 'PortCreated', version: 1, data: { ...data, macAddress: macAddressFor(data.portId) } }];
};

const deletePort = ({ data }: DeletePort, state: PortState): [PortDeleted] => {
  live(state, 'Port', data.portId);
  return [{ type: 'PortDeleted', version: 1, data }];
};

export function decidePort(command: PortCommand, state: PortState): PortEvent[] {
  switch (command.type) {
    case 'CreatePort':
      return createPort(command, state);
    case 'DeletePort':
      return deletePort(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
