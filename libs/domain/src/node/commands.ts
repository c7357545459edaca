/** A heartbeat of a node the log does not know as live: registers it, or recovers it when it was lost. */
export interface RecordHeartbeat {
  readonly type: 'RecordHeartbeat';
  /** `zone`: the compute zone the agent declares (LBAAS_NODE_ZONE), null for none; absent leaves the log's as it is. */
  readonly data: { nodeId: string; zone?: string | null };
}
export interface DeclareNodeLost {
  readonly type: 'DeclareNodeLost';
  readonly data: { nodeId: string; silenceMs: number };
}

export type NodeCommand = RecordHeartbeat | DeclareNodeLost;
