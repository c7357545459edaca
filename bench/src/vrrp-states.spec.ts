import { countChanges, firstChange, parseStateChanges, settledIn } from './vrrp-states';

describe('vrrp state changes', () => {
  const log = ['1000 BACKUP', '2000 MASTER', '2100 BACKUP', '5000 MASTER', ''].join('\n');

  it('parses the lines the notify script appends, oldest first', () => {
    expect(parseStateChanges(log)).toEqual([
      { at: 1000, state: 'BACKUP' },
      { at: 2000, state: 'MASTER' },
      { at: 2100, state: 'BACKUP' },
      { at: 5000, state: 'MASTER' },
    ]);
  });

  it.each([
    { desc: 'a line still being written', text: '1000 BACKUP\n20', expected: [{ at: 1000, state: 'BACKUP' }] },
    { desc: 'a state without its time', text: 'MASTER\n1000 BACKUP', expected: [{ at: 1000, state: 'BACKUP' }] },
    { desc: 'nothing written yet', text: '', expected: [] },
    { desc: 'surrounding blanks', text: '  1000 FAULT  \n', expected: [{ at: 1000, state: 'FAULT' }] },
  ])('skips what is not a whole line: $desc', ({ text, expected }) => {
    expect(parseStateChanges(text)).toEqual(expected);
  });

  it.each([
    { desc: 'the whole log', from: 0, to: 10_000, masters: 2 },
    { desc: 'from is inclusive', from: 2000, to: 10_000, masters: 2 },
    { desc: 'to is exclusive', from: 0, to: 5000, masters: 1 },
    { desc: 'a window with none', from: 2001, to: 4999, masters: 0 },
  ])('counts the changes to a state within a window: $desc', ({ from, to, masters }) => {
    expect(countChanges(parseStateChanges(log), 'MASTER', from, to)).toBe(masters);
  });

  it.each([
    { desc: 'the first at the moment itself', since: 2000, expected: { at: 2000, state: 'MASTER' } },
    { desc: 'the first after it', since: 2001, expected: { at: 5000, state: 'MASTER' } },
    { desc: 'none after the last', since: 5001, expected: undefined },
  ])('finds the first change to a state since a moment: $desc', ({ since, expected }) => {
    expect(firstChange(parseStateChanges(log), 'MASTER', since)).toEqual(expected);
  });

  it.each([
    { desc: 'latest change is the state, recent enough', state: 'MASTER', since: 5000, settled: true },
    { desc: 'latest change is the state, but before the moment', state: 'MASTER', since: 5001, settled: false },
    { desc: 'the state was held, but not last', state: 'BACKUP', since: 0, settled: false },
  ])('tells whether a side settled in a state: $desc', ({ state, since, settled }) => {
    expect(settledIn(parseStateChanges(log), state, since)).toBe(settled);
  });

  it('an empty log has settled in nothing', () => {
    expect(settledIn([], 'BACKUP', 0)).toBe(false);
  });
});
