import { ValidationError } from './errors';
import { cidrContains, cidrsOverlap, firstHost, intToIp, ipToInt, isIpv4, lastHost, parseCidr } from './ipv4';

const thrownBy = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('isIpv4', () => {
  it.each([
    { desc: 'a host of the benchmark range', ip: '198.18.0.1' },
    { desc: 'the lowest address', ip: '0.0.0.0' },
    { desc: 'the highest address', ip: '255.255.255.255' },
    { desc: 'octets of one, two and three digits', ip: '198.19.7.250' },
  ])('accepts $desc', ({ ip }) => expect(isIpv4(ip)).toBe(true));

  it.each([
    { desc: 'an octet above 255', ip: '198.18.0.256' },
    { desc: 'a leading zero', ip: '198.18.0.01' },
    { desc: 'three octets', ip: '198.18.0' },
    { desc: 'five octets', ip: '198.18.0.1.2' },
    { desc: 'an empty string', ip: '' },
    { desc: 'surrounding spaces', ip: ' 198.18.0.1 ' },
    { desc: 'a negative octet', ip: '198.18.0.-1' },
    { desc: 'letters', ip: 'a.b.c.d' },
    { desc: 'a cidr', ip: '198.18.0.0/24' },
    { desc: 'an IPv6 address', ip: '2001:db8::1' },
  ])('rejects $desc', ({ ip }) => expect(isIpv4(ip)).toBe(false));
});

describe('ipToInt and intToIp', () => {
  it.each([
    { ip: '0.0.0.0', n: 0 },
    { ip: '198.18.0.1', n: 198 * 2 ** 24 + 18 * 2 ** 16 + 1 },
    { ip: '198.19.255.255', n: 198 * 2 ** 24 + 19 * 2 ** 16 + 255 * 2 ** 8 + 255 },
    { ip: '255.255.255.255', n: 2 ** 32 - 1 },
  ])('maps $ip to $n and back', ({ ip, n }) => {
    expect(ipToInt(ip)).toBe(n);
    expect(intToIp(n)).toBe(ip);
  });

  it('keeps address order as number order, across octet boundaries', () => expect(ipToInt('198.18.1.0') - ipToInt('198.18.0.255')).toBe(1));

  it('rejects what is not an address as invalid input', () => {
    const error = thrownBy(() => ipToInt('198.18.0.300'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ neutronType: 'InvalidInput', message: "'198.18.0.300' is not a valid IPv4 address" });
  });
});

describe('parseCidr', () => {
  it.each([
    { cidr: '198.18.0.0/15', network: '198.18.0.0', prefix: 15, size: 131072 },
    { cidr: '198.18.1.0/24', network: '198.18.1.0', prefix: 24, size: 256 },
    { cidr: '198.18.1.4/30', network: '198.18.1.4', prefix: 30, size: 4 },
    { cidr: '198.0.0.0/8', network: '198.0.0.0', prefix: 8, size: 2 ** 24 },
  ])('parses $cidr', ({ cidr, network, prefix, size }) => expect(parseCidr(cidr)).toEqual({ network: ipToInt(network), prefix, size }));

  it.each([
    { desc: 'no prefix', cidr: '198.18.1.0' },
    { desc: 'an empty prefix', cidr: '198.18.1.0/' },
    { desc: 'a prefix that is not a number', cidr: '198.18.1.0/abc' },
    { desc: 'a prefix below 8', cidr: '198.0.0.0/7' },
    { desc: 'a /31 without hosts', cidr: '198.18.1.0/31' },
    { desc: 'a /32', cidr: '198.18.1.0/32' },
    { desc: 'an invalid address', cidr: '198.18.1.256/24' },
    { desc: 'garbage', cidr: 'subnet' },
  ])('rejects $desc as invalid input', ({ cidr }) => {
    const error = thrownBy(() => parseCidr(cidr));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      neutronType: 'InvalidInput',
      message: expect.stringContaining('is not a valid IPv4 CIDR with a prefix between 8 and 30'),
    });
  });

  it('rejects host bits as invalid input and names the network address to use instead', () =>
    expect(thrownBy(() => parseCidr('198.18.1.7/15'))).toMatchObject({
      neutronType: 'InvalidInput',
      message: expect.stringContaining("'198.18.1.7/15' isn't a recommended CIDR, use 198.18.0.0/15."),
    }));
});

describe('cidr arithmetic', () => {
  const c24 = parseCidr('198.18.1.0/24');

  it.each([
    { ip: '198.18.1.0', inside: true },
    { ip: '198.18.1.255', inside: true },
    { ip: '198.18.0.255', inside: false },
    { ip: '198.18.2.0', inside: false },
  ])('198.18.1.0/24 contains $ip: $inside', ({ ip, inside }) => expect(cidrContains(c24, ipToInt(ip))).toBe(inside));

  it.each([
    { a: '198.18.1.0/24', b: '198.18.1.0/24', overlap: true },
    { a: '198.18.0.0/16', b: '198.18.1.0/24', overlap: true },
    { a: '198.18.1.0/24', b: '198.18.0.0/16', overlap: true },
    { a: '198.18.1.128/25', b: '198.18.1.0/24', overlap: true },
    { a: '198.18.1.0/24', b: '198.18.2.0/24', overlap: false },
    { a: '198.18.0.0/16', b: '198.19.0.0/16', overlap: false },
  ])('$a and $b overlap: $overlap', ({ a, b, overlap }) => expect(cidrsOverlap(parseCidr(a), parseCidr(b))).toBe(overlap));

  it.each([
    { cidr: '198.18.1.0/24', first: '198.18.1.1', last: '198.18.1.254' },
    { cidr: '198.18.1.4/30', first: '198.18.1.5', last: '198.18.1.6' },
    { cidr: '198.18.0.0/15', first: '198.18.0.1', last: '198.19.255.254' },
  ])('the hosts of $cidr run from $first to $last', ({ cidr, first, last }) => {
    expect(intToIp(firstHost(parseCidr(cidr)))).toBe(first);
    expect(intToIp(lastHost(parseCidr(cidr)))).toBe(last);
  });
});
