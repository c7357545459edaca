import type { DomainEvent } from '../envelope';

/** The first heartbeat of a compute node reached the scheduler. */
export type NodeRegistered = DomainEvent<'NodeRegistered', 1, { nodeId: string }>;
/** The node's heartbeats stopped for longer than the configured silence. */
export type NodeLost = DomainEvent<'NodeLost', 1, { nodeId: string; silenceMs: number }>;
/** A lost node heartbeats again. */
export type NodeRecovered = DomainEvent<'NodeRecovered', 1, { nodeId: string }>;

/** The compute zone the node's agent declares (null: none); only its zone's load balancers, or those in no zone, go there. */
export type NodeZoneDeclared = DomainEvent<'NodeZoneDeclared', 1, { nodeId: string; zone: string | null }>;

export type NodeEvent = NodeRegistered | NodeLost | NodeRecovered | NodeZoneDeclared;
