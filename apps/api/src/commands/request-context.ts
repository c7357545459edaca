/** Who is asking, stamped on every event the request appends. */
export interface RequestContext {
  readonly tenantId: string;
  readonly isAdmin: boolean;
  readonly actor: string;
  readonly correlationId: string;
  /** From the `Idempotency-Key` header on POST: a retry with the same key returns the first result. */
  readonly idempotencyKey: string | null;
}

/** The resource as the decider's new state, and the highest stream sequence the request appended. */
export interface Written<R> {
  readonly resource: R;
  readonly seq: number;
}
export interface Deleted {
  readonly seq: number;
}

/** Immutable look-ups the command handlers route with (a member's pool); served by the read side. */
export interface ResourceLookup {
  memberPoolId(memberId: string): Promise<string | null>;
  floatingIpIdsOnPort(portId: string): Promise<string[]>;
}
