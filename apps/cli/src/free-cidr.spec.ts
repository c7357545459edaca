import { blockOf, firstFreeSlash24 } from './free-cidr';

describe('blockOf', () => {
  it.each([
    ['198.18.1.0/24', 198 * 2 ** 24 + 18 * 2 ** 16 + 256, 198 * 2 ** 24 + 18 * 2 ** 16 + 511],
    ['198.18.1.77/24', 198 * 2 ** 24 + 18 * 2 ** 16 + 256, 198 * 2 ** 24 + 18 * 2 ** 16 + 511],
    ['198.18.0.0/15', 198 * 2 ** 24 + 18 * 2 ** 16, 198 * 2 ** 24 + 19 * 2 ** 16 + 65535],
    ['198.18.0.5/32', 198 * 2 ** 24 + 18 * 2 ** 16 + 5, 198 * 2 ** 24 + 18 * 2 ** 16 + 5],
  ])('spans %s', (cidr, first, last) => {
    expect(blockOf(cidr)).toEqual({ first, last });
  });

  it.each(['2001:db8::/64', '198.18.1.0', '198.18.1.0/33', '198.18.256.0/24', '198.18.1.0/24/1'])('ignores %s', (cidr) => {
    expect(blockOf(cidr)).toBeNull();
  });
});

describe('firstFreeSlash24', () => {
  it('takes the first /24 of 198.18.0.0/15 when nothing is used', () => {
    expect(firstFreeSlash24([])).toBe('198.18.0.0/24');
  });

  it('skips the /24s that visible subnets use', () => {
    expect(firstFreeSlash24(['198.18.0.0/24', '198.18.1.0/24', '198.18.3.0/24'])).toBe('198.18.2.0/24');
  });

  it('skips /24s that a larger or smaller subnet overlaps', () => {
    expect(firstFreeSlash24(['198.18.0.0/23', '198.18.2.128/25'])).toBe('198.18.3.0/24');
    expect(firstFreeSlash24(['198.18.0.0/16'])).toBe('198.19.0.0/24');
  });

  it('is not disturbed by subnets elsewhere or IPv6 ones', () => {
    expect(firstFreeSlash24(['198.51.100.0/24', '2001:db8::/64'])).toBe('198.18.0.0/24');
  });

  it('answers null when the whole range is taken', () => {
    expect(firstFreeSlash24(['198.18.0.0/15'])).toBeNull();
    expect(firstFreeSlash24(['198.18.0.0/16', '198.19.0.0/17', '198.19.128.0/17'])).toBeNull();
  });

  it('searches another range when given one', () => {
    expect(firstFreeSlash24(['198.19.0.0/24'], '198.19.0.0/16')).toBe('198.19.1.0/24');
  });
});
