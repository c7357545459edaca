import { ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { nodeDecider } from './decider';
import type { NodeEvent } from './events';

const N = 'compute-node-1';
const registered: NodeEvent = { type: 'NodeRegistered', version: 1, data: { nodeId: N } };
const lost: NodeEvent = { type: 'NodeLost', version: 1, data: { nodeId: N, silenceMs: 4000 } };
const zoned = (zone: string | null): NodeEvent => ({ type: 'NodeZoneDeclared', version: 1, data: { nodeId: N, zone } });

describe('node: heartbeats and zones', () => {
  it('registers a node with the zone it declares', () =>
    given(nodeDecider)
      .when({ type: 'RecordHeartbeat', data: { nodeId: N, zone: 'zone-a' } })
      .then([registered, zoned('zone-a')]));

  it('registers a node that declares nothing without a zone event', () =>
    given(nodeDecider)
      .when({ type: 'RecordHeartbeat', data: { nodeId: N } })
      .then([registered]));

  it('records a live node moving to another zone, or out of any, and nothing when it stays', () => {
    given(nodeDecider, [registered, zoned('zone-a')])
      .when({ type: 'RecordHeartbeat', data: { nodeId: N, zone: 'zone-b' } })
      .then([zoned('zone-b')]);
    given(nodeDecider, [registered, zoned('zone-a')])
      .when({ type: 'RecordHeartbeat', data: { nodeId: N, zone: null } })
      .then([zoned(null)]);
    given(nodeDecider, [registered, zoned('zone-a')])
      .when({ type: 'RecordHeartbeat', data: { nodeId: N, zone: 'zone-a' } })
      .then([]);
  });

  it('recovers a lost node in its zone', () =>
    given(nodeDecider, [registered, zoned('zone-a'), lost])
      .when({ type: 'RecordHeartbeat', data: { nodeId: N, zone: 'zone-a' } })
      .then([{ type: 'NodeRecovered', version: 1, data: { nodeId: N } }]));

  it('refuses a zone that is no name', () =>
    given(nodeDecider)
      .when({ type: 'RecordHeartbeat', data: { nodeId: N, zone: 'zone a' } })
      .thenThrows(ValidationError));
});
