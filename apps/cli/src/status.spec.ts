import { formatStatus, type StatusRow, statusExitCode } from './status';

const row = (name: string, up: boolean, required: boolean): StatusRow => ({ name, up, required, state: up ? 'up' : 'down' });

describe('lbaas status', () => {
  it('prints one aligned line per service', () => {
    expect(formatStatus([row('api', true, true), row('compute-node-1', false, false)])).toBe('api              up\ncompute-node-1   down');
  });

  it.each([
    { desc: 'everything up', rows: [row('api', true, true), row('projections', true, true), row('scheduler', true, false)], code: 0 },
    { desc: 'another service down', rows: [row('api', true, true), row('projections', true, true), row('scheduler', false, false)], code: 0 },
    { desc: 'the api down', rows: [row('api', false, true), row('projections', true, true)], code: 1 },
    { desc: 'the projections down', rows: [row('api', true, true), row('projections', false, true)], code: 1 },
  ])('exit code with $desc', ({ rows, code }) => {
    expect(statusExitCode(rows)).toBe(code);
  });
});
