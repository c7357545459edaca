import { performance } from 'node:perf_hooks';
import type { ServiceProcess } from '@lbaas/testing';

export interface AgentRestart {
  /** Placements the agent's first full pass after the restart acted on (its 'reconciling' steps). */
  readonly placements: number;
  readonly steps: number;
  /** From the new process's spawn to its health endpoint answering. */
  readonly readyMs: number;
  /** From the spawn to the end of its first full reconcile pass: every placement applied again. */
  readonly convergedMs: number;
}

const FULL_PASSES = /^lbaas_reconcile_pass_duration_seconds_count\{[^}]*pass="full"[^}]*\} (\d+)/m;
const STARTED = '"msg":"node agent heartbeating"';
const RECONCILING = '"msg":"reconciling"';

async function fullPasses(metricsUrl: string): Promise<number | null> {
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return null;
    const match = FULL_PASSES.exec(await response.text());
    return match ? Number(match[1]) : 0;
  } catch {
    return null;
  }
}

/** The steps of the first 'reconciling' line the new process logged, or null before there is one. */
export function firstReconcileSteps(logs: string): string[] | null {
  const since = logs.indexOf(STARTED);
  if (since < 0) return null;
  // A line still being written (the steps of thousands of placements are a long one) is read next time.
  for (const line of logs.slice(since, logs.lastIndexOf('\n')).split('\n')) {
    if (!line.includes(RECONCILING)) continue;
    const parsed = JSON.parse(line) as { steps?: unknown };
    return Array.isArray(parsed.steps) ? parsed.steps.filter((s): s is string => typeof s === 'string') : [];
  }
  return null;
}

/**
 * Stops a node agent (SIGTERM) and starts it again. The fake driver keeps its placements in
 * memory, so the new process finds none and applies every one: the time to converge is catching
 * up with the log, fetching each placement's files and one pass over all of them.
 */
export async function restartAgent(agent: ServiceProcess, healthUrl: string, boundMs: number): Promise<AgentRestart> {
  await agent.stop();
  // The new process's own output, whole: the captured logs keep only their last megabytes, and at
  // 100,000 objects the pass's line (itself about a megabyte) and its reports overflowed them.
  let since = '';
  let steps: string[] | null = null;
  const stopListening = agent.onOutput((chunk) => {
    since += chunk;
    steps ??= firstReconcileSteps(since);
    if (steps !== null) stopListening();
  });
  try {
    const spawned = performance.now();
    agent.start();
    let readyMs = -1;
    while (performance.now() - spawned < boundMs) {
      if (!agent.running()) throw new Error(`${agent.name} exited after its restart:\n${agent.logs().slice(-2000)}`);
      const passes = await fullPasses(`${healthUrl}/metrics`);
      if (passes !== null && readyMs < 0) readyMs = performance.now() - spawned;
      if (passes !== null && passes > 0) {
        const convergedMs = performance.now() - spawned;
        const acted: string[] = steps ?? [];
        const placements = new Set(acted.map((s) => s.split(' ').at(-1))).size;
        return { placements, steps: acted.length, readyMs, convergedMs };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${agent.name} did not finish a full pass within ${boundMs} ms of its restart`);
  } finally {
    stopListening();
  }
}
