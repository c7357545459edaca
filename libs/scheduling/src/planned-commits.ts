import type { PlaceInstance } from '@lbaas/domain';
import type { PlannedCommand } from './scheduling-model';

/** A new instance's placements, appended as one commit. */
export interface PlannedPlacements {
  readonly aggregate: 'serviceinstance';
  readonly id: string;
  readonly placements: readonly PlaceInstance[];
}

/** What the scheduler appends, in order: a commit per command, but one for an instance's placements of a round. */
export type PlannedCommit = PlannedCommand | PlannedPlacements;

const placementOf = (planned: PlannedCommand): PlaceInstance | null =>
  planned.aggregate === 'serviceinstance' && planned.command.type === 'PlaceInstance' ? planned.command : null;

/**
 * Groups the round's placements of one instance (its active and standby, planned one after the
 * other) into one commit. Readers then meet the pair whole: a renderer that saw the active alone
 * rendered a keepalived.conf without the peer, and the reload that added the peer took the
 * address off a VIP that had already answered (ARCHITECTURE.md section 34).
 */
export function plannedCommits(planned: readonly PlannedCommand[]): PlannedCommit[] {
  const commits: PlannedCommit[] = [];
  for (const command of planned) {
    const placement = placementOf(command);
    const last = commits.at(-1);
    const before = last === undefined || last.id !== command.id ? null : placementsOf(last);
    if (placement && before)
      commits[commits.length - 1] = { aggregate: 'serviceinstance', id: command.id, placements: [...before, placement] };
    else commits.push(command);
  }
  return commits;
}

function placementsOf(commit: PlannedCommit): readonly PlaceInstance[] | null {
  if ('placements' in commit) return commit.placements;
  const placement = placementOf(commit);
  return placement ? [placement] : null;
}
