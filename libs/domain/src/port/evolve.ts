import { DELETED } from '../lifecycle';
import type { PortEvent } from './events';
import type { PortState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolvePort(state: PortState, event: PortEvent): PortState {
  switch (event.type) {
    case 'PortCreated': {
      const { portId, ...rest } = event.data;
      return { kind: 'live', id: portId, ...rest };
    }
    case 'PortDeleted':
      return DELETED;
    default:
      return state;
  }
}
