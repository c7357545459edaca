import type { Principal } from '@lbaas/identity';

/** What the edge learns about a request as it passes: its id, who sent it, its body. */
export interface EdgeState {
  readonly requestId: string;
  readonly startedAt: bigint;
  /** Set by the PolicyGuard once the token is authenticated. */
  principal: Principal | null;
  /** Set by the PolicyGuard, once the caller has passed, for routes that take a body. */
  rawBody: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    edge: EdgeState;
  }
}
