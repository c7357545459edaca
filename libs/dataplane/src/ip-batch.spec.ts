import { batchFailures, DONE_BEFORE } from './ip-batch';

describe("ip -force -batch's account of the lines that failed", () => {
  it('pairs each message with the line ip names after it, and says nothing of the lines that ran', () => {
    const stderr = [
      'Error: ipv4: Address already assigned.',
      'Command failed -:1',
      'RTNETLINK answers: File exists',
      'Command failed -:5',
      'RTNETLINK answers: No such file or directory',
      'Command failed -:7',
      '',
    ].join('\n');
    expect([...batchFailures(stderr)]).toEqual([
      [1, 'Error: ipv4: Address already assigned.'],
      [5, 'RTNETLINK answers: File exists'],
      [7, 'RTNETLINK answers: No such file or directory'],
    ]);
    expect(batchFailures('')).toEqual(new Map());
  });

  it('joins a message of several lines', () => {
    expect(batchFailures('Cannot find device "lbv1"\nmore\nCommand failed -:2\n')).toEqual(
      new Map([[2, 'Cannot find device "lbv1" more']]),
    );
  });

  it('takes a set-up done before as done, and nothing else', () => {
    for (const done of [
      'Cannot create namespace file "/run/netns/lb-x": File exists',
      'Error: ipv4: Address already assigned.',
      'RTNETLINK answers: No such file or directory',
    ])
      expect(DONE_BEFORE.test(done)).toBe(true);
    for (const failure of ['Cannot find device "lbv0"', 'Error: either "local" is duplicate, or "x" is a garbage.'])
      expect(DONE_BEFORE.test(failure)).toBe(false);
  });
});
