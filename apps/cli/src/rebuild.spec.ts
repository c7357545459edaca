import { progressLine, summaryLine } from './rebuild';

describe('rebuild output', () => {
  it.each([
    { desc: 'half way', position: 50, total: 100, bar: '[#####.....]  50%' },
    { desc: 'done', position: 100, total: 100, bar: '[##########] 100%' },
    { desc: 'an empty log counts as done', position: 0, total: 0, bar: '[##########] 100%' },
    { desc: 'events appended during the rebuild never overflow the bar', position: 120, total: 100, bar: '[##########] 100%' },
  ])('progress: $desc', ({ position, total, bar }) => {
    expect(progressLine({ events: 42, commits: 40, position, total, eventsPerSecond: 1234.6 }, 10)).toBe(
      `${bar}  42 events  1235 events/s`,
    );
  });

  it('summarises a finished rebuild with its rate', () => {
    expect(summaryLine({ events: 3000, commits: 1000, seconds: 1.5 })).toBe(
      'rebuilt the read models from 3000 events in 1000 commits in 1.50 s (2000 events/s)',
    );
  });

  it('says why a rebuild was refused', () => {
    const refused = { error: { type: 'RebuildInProgress', message: 'a rebuild is already running', status: 409 } };
    expect(summaryLine(refused)).toBe('rebuild failed: RebuildInProgress: a rebuild is already running');
  });
});
