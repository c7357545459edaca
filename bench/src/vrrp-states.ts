/** The state changes of one keepalived side, as the failover-curve bench's notify script records them. */

export interface StateChange {
  /** Epoch milliseconds at which the notify script ran. */
  readonly at: number;
  /** keepalived's word for the new state: MASTER, BACKUP, FAULT or STOP. */
  readonly state: string;
}

const LINE = /^(\d+) ([A-Z]+)$/;

/**
 * Lines `<epoch ms> <STATE>`, oldest first. A line that is not of that shape (the notify script
 * still writing it) is skipped: the next read sees it whole.
 */
export function parseStateChanges(text: string): StateChange[] {
  const changes: StateChange[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m) changes.push({ at: Number(m[1]), state: m[2] });
  }
  return changes;
}

/** How many times the side became `state` at or after `from` and before `to`. */
export const countChanges = (changes: readonly StateChange[], state: string, from: number, to: number): number =>
  changes.filter((c) => c.state === state && c.at >= from && c.at < to).length;

/** The first change to `state` at or after `since`, if any. */
export const firstChange = (changes: readonly StateChange[], state: string, since: number): StateChange | undefined =>
  changes.find((c) => c.state === state && c.at >= since);

/** Whether the side's latest change is to `state` and happened at or after `since`. */
export const settledIn = (changes: readonly StateChange[], state: string, since: number): boolean => {
  const last = changes.at(-1);
  return last !== undefined && last.state === state && last.at >= since;
};
