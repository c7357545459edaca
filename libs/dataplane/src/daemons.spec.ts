import { pauseBeforeCheck, waitFor } from './daemons';

describe('waitFor', () => {
  it('checks every 5 ms for its first ten checks, then every 25 ms', () => {
    expect(Array.from({ length: 13 }, (_, i) => pauseBeforeCheck(i + 1))).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 25, 25, 25, 25]);
  });

  it('returns once the check holds, and names what it waited for when it never does', async () => {
    let checks = 0;
    await waitFor('the third check', () => ++checks === 3, 5000);
    expect(checks).toBe(3);
    await expect(waitFor('a check that never holds', () => false, 0)).rejects.toThrow('a check that never holds within 0 ms');
  });
});
