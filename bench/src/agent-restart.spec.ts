import { firstReconcileSteps } from './agent-restart';

const line = (fields: Record<string, unknown>): string => `${JSON.stringify(fields)}\n`;
const started = line({ msg: 'node agent heartbeating' });
const reconciling = (steps: string[]): string => line({ msg: 'reconciling', steps });

describe('the agent restart bench reading the new process log', () => {
  it('reads the steps of the new process, after its start', () => {
    expect(firstReconcileSteps(started + reconciling(['plumb vm-1', 'startHaproxy vm-1']))).toEqual(['plumb vm-1', 'startHaproxy vm-1']);
  });

  it('finds nothing before the new process has started or while its line is still being written', () => {
    expect(firstReconcileSteps(reconciling(['startHaproxy vm-0']))).toBeNull();
    const partial = started + reconciling(['startHaproxy vm-3']).slice(0, 30);
    expect(firstReconcileSteps(partial)).toBeNull();
  });

  it('takes the first pass, not a later one', () => {
    const logs = started + reconciling(['startHaproxy vm-4']) + reconciling(['reloadHaproxy vm-4']);
    expect(firstReconcileSteps(logs)).toEqual(['startHaproxy vm-4']);
  });
});
