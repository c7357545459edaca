import { HttpError } from '../../http/errors';
import { parseOctaviaBody } from './octavia-body';

const SUBNET = '5a9e7c12-3b4d-4e6f-8a1b-9c0d2e3f4a5b';
const refusal = (message: string): HttpError => new HttpError(400, 'InvalidInput', message);
const lb = (body: unknown): string => JSON.stringify({ loadbalancer: body });

describe("v2 bodies, validated in Octavia's words", () => {
  it('takes a single-call create with listeners, pools, members and a monitor', () => {
    const body = {
      vip_subnet_id: SUBNET,
      name: 'web',
      tags: ['a'],
      listeners: [{ protocol: 'HTTP', protocol_port: 80, default_pool: { name: 'p1' } }],
      pools: [
        {
          name: 'p1',
          protocol: 'HTTP',
          lb_algorithm: 'ROUND_ROBIN',
          members: [{ address: '198.18.2.11', protocol_port: 80, weight: 2 }],
          healthmonitor: { type: 'HTTP', delay: 5, timeout: 3, max_retries: 3, url_path: '/health' },
        },
      ],
    };
    expect(parseOctaviaBody(lb(body), 'loadbalancer', 'createLoadBalancer')).toEqual(body);
  });

  it('names every unknown attribute at once, nested ones with their path', () => {
    expect(() =>
      parseOctaviaBody(
        lb({ vip_subnet_id: SUBNET, flavor: 'x', color: 'red', listeners: [{ protocol: 'TCP', protocol_port: 1, bogus: 1 }] }),
        'loadbalancer',
        'createLoadBalancer',
      ),
    ).toThrow(refusal('Unknown attribute for argument loadbalancer: flavor, color, listeners.0.bogus'));
  });

  it.each([
    [
      'a missing mandatory field',
      { loadbalancer_id: SUBNET, protocol_port: 80 },
      "Invalid input for field/attribute protocol. Value: 'None'. Mandatory field missing.",
    ],
    [
      'a value outside an enumeration',
      { loadbalancer_id: SUBNET, protocol: 'FTP', protocol_port: 80 },
      "Invalid input for field/attribute protocol. Value: 'FTP'. Value should be one of: HTTP, HTTPS, TCP, TERMINATED_HTTPS, UDP, SCTP, PROMETHEUS",
    ],
    [
      'a port out of range',
      { loadbalancer_id: SUBNET, protocol: 'TCP', protocol_port: 70000 },
      "Invalid input for field/attribute protocol_port. Value: '70000'. must be <= 65535",
    ],
    [
      'an id that is not a UUID',
      { loadbalancer_id: 'lb-1', protocol: 'TCP', protocol_port: 80 },
      "Invalid input for field/attribute loadbalancer_id. Value: 'lb-1'. Value should be a UUID",
    ],
  ])('refuses %s', (_desc, body, message) => {
    expect(() => parseOctaviaBody(JSON.stringify({ listener: body }), 'listener', 'createListener')).toThrow(refusal(message));
  });

  it.each([
    ['no body', '', 'Missing argument: "pool": send {"pool": ...}.'],
    ['not JSON', '{', 'Malformed request body: it is not valid JSON.'],
    ['another envelope', '{"listener": {}}', 'Unknown argument: "listener"'],
    ['an array', '[]', "Malformed request body: expected an object with the key 'pool'."],
  ])('refuses %s', (_desc, raw, message) => {
    expect(() => parseOctaviaBody(raw, 'pool', 'updatePool')).toThrow(refusal(message));
  });

  it('takes the batch member update as a list under "members"', () => {
    const members = [{ address: '198.18.2.11', protocol_port: 80 }];
    expect(parseOctaviaBody(JSON.stringify({ members }), 'members', 'replaceMembers')).toEqual(members);
  });

  it('takes null to reset a setting on update', () => {
    expect(parseOctaviaBody(JSON.stringify({ listener: { connection_limit: null, name: null } }), 'listener', 'updateListener')).toEqual({
      connection_limit: null,
      name: null,
    });
  });
});
