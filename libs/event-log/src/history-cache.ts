import type { EventEnvelope } from '@lbaas/domain';

/** An aggregate's events up to `version`, the subject sequence of its last commit. */
export interface CachedHistory {
  readonly version: number;
  readonly events: readonly EventEnvelope[];
}

export interface HistoryCacheLimits {
  /** Events held over all subjects together; a history longer than this is not held at all. */
  readonly events: number;
  readonly subjects: number;
}

export const DEFAULT_HISTORY_CACHE_LIMITS: HistoryCacheLimits = { events: 100_000, subjects: 20_000 };

/** LBAAS_EVENT_CACHE_EVENTS: how many events the api's history cache holds at most (0 holds none). */
export function historyCacheLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): HistoryCacheLimits {
  const raw = env.LBAAS_EVENT_CACHE_EVENTS?.trim() ?? '';
  if (raw === '') return DEFAULT_HISTORY_CACHE_LIMITS;
  const events = Number(raw);
  if (!Number.isInteger(events) || events < 0) throw new Error(`LBAAS_EVENT_CACHE_EVENTS must be a non-negative integer, not '${raw}'`);
  return { ...DEFAULT_HISTORY_CACHE_LIMITS, events };
}

/**
 * Histories by subject, least recently used first out, bounded both in subjects and in the
 * events they hold together: a long-lived aggregate's history counts for every event it has,
 * so the api's memory is bounded however long the log grows. The cache is never a source of
 * truth (the store checks a history's version against the subject before using it), so what it
 * drops is only read from the log again.
 */
export class HistoryCache {
  private readonly histories = new Map<string, CachedHistory>();
  private held = 0;

  constructor(private readonly limits: HistoryCacheLimits = DEFAULT_HISTORY_CACHE_LIMITS) {}

  /** Events held over all subjects. */
  get events(): number {
    return this.held;
  }

  get subjects(): number {
    return this.histories.size;
  }

  /** The subject's history if held, which makes it the most recently used. */
  get(subject: string): CachedHistory | undefined {
    const history = this.histories.get(subject);
    if (history) {
      this.histories.delete(subject);
      this.histories.set(subject, history);
    }
    return history;
  }

  /** Holds the subject's history in place of what was held, then drops the least recently used until within the limits. */
  set(subject: string, history: CachedHistory): void {
    this.delete(subject);
    if (history.events.length > this.limits.events || this.limits.subjects < 1) return;
    this.histories.set(subject, history);
    this.held += history.events.length;
    for (const [oldest, dropped] of this.histories) {
      if (this.held <= this.limits.events && this.histories.size <= this.limits.subjects) break;
      this.histories.delete(oldest);
      this.held -= dropped.events.length;
    }
  }

  delete(subject: string): void {
    const history = this.histories.get(subject);
    if (!history) return;
    this.histories.delete(subject);
    this.held -= history.events.length;
  }
}
