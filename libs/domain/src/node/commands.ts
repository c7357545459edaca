/** A heartbeat of a node the log does not know as live: registers it, or recovers it when it was lost. */
export interface RecordHeartbeat {
  readonly type: 'RecordHeartbeat';
  readonly data: { nodeId: string };
}
export interface DeclareNodeLost {
  readonly type: 'DeclareNodeLost';
  readonly data: { nodeId: string; silenceMs: number };
}

export type NodeCommand = RecordHeartbeat | DeclareNodeLost;
