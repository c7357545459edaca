import { firstReconcileSteps, logsAfter } from './agent-restart';

const line = (fields: Record<string, unknown>): string => `${JSON.stringify(fields)}\n`;
const started = line({ msg: 'node agent heartbeating' });
const reconciling = (steps: string[]): string => line({ msg: 'reconciling', steps });

describe('the agent restart bench reading the new process log', () => {
  const old = started + reconciling(['startHaproxy vm-old']) + line({ msg: 'stopping' });

  it('reads only what came after the mark', () => {
    const logs = old + started + reconciling(['plumb vm-1', 'startHaproxy vm-1']);
    expect(firstReconcileSteps(logsAfter(logs, old))).toEqual(['plumb vm-1', 'startHaproxy vm-1']);
  });

  it('takes all it holds once the capture has dropped the mark', () => {
    const logs = started + reconciling(['startHaproxy vm-2']);
    expect(logsAfter(logs, old)).toBe(logs);
    expect(firstReconcileSteps(logsAfter(logs, old))).toEqual(['startHaproxy vm-2']);
  });

  it('finds nothing before the new process has started or while its line is still being written', () => {
    expect(firstReconcileSteps(logsAfter(old, old))).toBeNull();
    const partial = started + reconciling(['startHaproxy vm-3']).slice(0, 30);
    expect(firstReconcileSteps(partial)).toBeNull();
  });

  it('takes the first pass, not a later one', () => {
    const logs = started + reconciling(['startHaproxy vm-4']) + reconciling(['reloadHaproxy vm-4']);
    expect(firstReconcileSteps(logs)).toEqual(['startHaproxy vm-4']);
  });
});
