import { churnMembers, type Fleet } from './scale-load';

export interface ChurnMeasure {
  readonly objects: number;
  readonly updates: number;
  readonly seconds: number;
  readonly residentBefore: Record<string, number | null>;
  readonly residentAfter: Record<string, number | null>;
}

/** The settling pause after the projections caught up: the followers (dashboard, agents) fold the last commits. */
const SETTLE_MS = 5000;

/**
 * Member weight changes at the fleet's final size, with every service's resident memory before
 * and after: what grows here grows with the log's length, not with the objects.
 */
export async function churnPhase(
  fleet: Fleet,
  o: {
    updates: number;
    workers: number;
    deadline: number;
    signal: AbortSignal;
    resident: () => Record<string, number | null>;
    caughtUp: () => Promise<unknown>;
  },
): Promise<ChurnMeasure | null> {
  if (o.updates === 0 || fleet.pools.length === 0 || Date.now() > o.deadline) return null;
  console.log(`churn: ${o.updates} member weight changes at ${fleet.objects} objects`);
  const residentBefore = o.resident();
  const done = await churnMembers(fleet, o);
  await o.caughtUp();
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return { objects: fleet.objects, ...done, residentBefore, residentAfter: o.resident() };
}
