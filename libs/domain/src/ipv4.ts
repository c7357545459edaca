import { ValidationError } from './errors';

/** IPv4 arithmetic for subnets and address allocation; addresses travel as dotted strings. */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

export const isIpv4 = (value: string): boolean => IPV4.test(value);

export function ipToInt(ip: string): number {
  if (!isIpv4(ip)) throw new ValidationError(`'${ip}' is not a valid IPv4 address`, 'InvalidInput');
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export const intToIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

export interface Cidr {
  readonly network: number;
  readonly prefix: number;
  readonly size: number;
}

/** Parses `a.b.c.d/n`; the address must be the network address, as Neutron requires. */
export function parseCidr(cidr: string): Cidr {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  const prefix = match ? Number(match[2]) : NaN;
  if (!match || !isIpv4(match[1]) || prefix < 8 || prefix > 30) {
    throw new ValidationError(
      `Invalid input for cidr. Reason: '${cidr}' is not a valid IPv4 CIDR with a prefix between 8 and 30.`,
      'InvalidInput',
    );
  }
  const size = 2 ** (32 - prefix);
  const network = ipToInt(match[1]);
  if (network % size !== 0) {
    throw new ValidationError(
      `Invalid input for cidr. Reason: '${cidr}' isn't a recommended CIDR, use ${intToIp(network - (network % size))}/${prefix}.`,
      'InvalidInput',
    );
  }
  return { network, prefix, size };
}

export const cidrContains = (cidr: Cidr, ip: number): boolean => ip >= cidr.network && ip < cidr.network + cidr.size;

export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => cidrContains(a, b.network) || cidrContains(b, a.network);

/** Usable host range: without the network and broadcast addresses. */
export const firstHost = (cidr: Cidr): number => cidr.network + 1;
export const lastHost = (cidr: Cidr): number => cidr.network + cidr.size - 2;
