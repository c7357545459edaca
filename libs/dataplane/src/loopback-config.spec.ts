import { baseHaproxyInput, contentHash, HAPROXY_CASES, type HaproxyInput, renderHaproxyConfig, withMembers, withVip } from '@lbaas/haproxy';
import {
  checkPortOffset,
  loopbackAddress,
  loopbackCidr,
  loopbackConfig,
  type LoopbackOptions,
  loopbackPort,
  MAX_PORT_OFFSET,
} from './loopback-config';

const golden = (name: string): HaproxyInput => HAPROXY_CASES[name](baseHaproxyInput());

const ACTIVE: LoopbackOptions = { role: 'active', portOffset: 10000, root: false, statsAddress: '127.19.192.1', floatingAddresses: [] };
const STANDBY: LoopbackOptions = { ...ACTIVE, role: 'standby', statsAddress: '127.19.192.2' };
const render = (change: (i: HaproxyInput) => HaproxyInput = (i) => i): HaproxyInput => change(baseHaproxyInput());
const sectionOf = (text: string, header: string): string[] => {
  const lines = text.split('\n');
  const start = lines.indexOf(header);
  const end = lines.findIndex((l, i) => i > start && /^[a-z]/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
};
const FRONTEND = 'frontend 00000000-0000-4000-8000-000000000002';
const BACKEND = 'backend 00000000-0000-4000-8000-000000000003';

describe('loopbackAddress: the fabric 198.18.0.0/15 seen in 127/8', () => {
  it.each([
    ['198.18.1.10', '127.18.1.10'],
    ['198.19.192.1', '127.19.192.1'],
    ['198.18.0.0', '127.18.0.0'],
    ['198.19.255.255', '127.19.255.255'],
    ['198.18.2.11', '127.18.2.11'],
  ])('maps %s to %s', (fabric, loopback) => expect(loopbackAddress(fabric)).toBe(loopback));

  it.each([
    ['the range below', '198.17.255.255'],
    ['the range above', '198.20.0.1'],
    ['loopback itself', '127.18.1.10'],
    ['an address of another first octet', '199.18.1.10'],
    ['an octet above 255', '198.18.256.1'],
    ['a leading zero', '198.18.01.5'],
    ['three octets', '198.18.1'],
    ['a trailing space', '198.18.1.5 '],
    ['a port', '198.18.1.5:80'],
    ['nothing', ''],
  ])('has none for %s (%s)', (_what, address) => expect(loopbackAddress(address)).toBeNull());
});

describe('loopbackCidr: allowed CIDRs as loopback clients are seen', () => {
  it.each([
    ['198.18.7.0/24', '127.18.7.0/24'],
    ['198.19.0.1/32', '127.19.0.1/32'],
    ['198.18.0.0/15', '127.18.0.0/15'],
    ['198.16.0.0/12', '127.18.0.0/15'],
    ['0.0.0.0/0', '127.18.0.0/15'],
    ['198.20.0.0/16', '198.20.0.0/16'],
  ])('maps %s to %s', (cidr, loopback) => expect(loopbackCidr(cidr)).toBe(loopback));
});

describe('loopbackPort and the port offset', () => {
  it.each([
    [1, 10000, 10001],
    [80, 10000, 10080],
    [443, 10000, 10443],
    [1023, 10000, 11023],
    [1024, 10000, 1024],
    [5432, 10000, 5432],
    [65535, 10000, 65535],
    [80, 0, 80],
    [1023, MAX_PORT_OFFSET, 65535],
  ])('port %i with offset %i is %i', (port, offset, expected) => expect(loopbackPort(port, offset)).toBe(expected));

  it.each([0, 1, 10000, MAX_PORT_OFFSET])('accepts the offset %p', (offset) => expect(() => checkPortOffset(offset)).not.toThrow());

  it.each([-1, MAX_PORT_OFFSET + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the offset %p', (offset) => {
    expect(() => checkPortOffset(offset)).toThrow(/port offset/);
    expect(() => loopbackConfig(render(), { ...ACTIVE, portOffset: offset })).toThrow(/port offset/);
  });
});

describe('loopbackConfig', () => {
  it("rewrites the active placement's file: VIP, members and stats on loopback, privileged ports offset, HAProxy keeps the agent's user", () => {
    expect(loopbackConfig(render(), ACTIVE)).toBe(`# loopback data plane of the process driver: role active, port offset 10000
# haproxy.cfg of service instance 00000000-0000-4000-8000-000000000001, rendered by lbaas; do not edit
global
    master-worker
    log stdout format raw local0 notice
    pidfile /run/lbaas/00000000-0000-4000-8000-000000000071/haproxy.pid
    stats socket /run/lbaas/00000000-0000-4000-8000-000000000071/haproxy.sock mode 600 level admin expose-fd listeners
    httpclient.ssl.verify none
defaults
    log global
    retries 3
    option redispatch
    timeout connect 5000
    timeout client 50000
    timeout server 50000
listen stats
    bind 127.19.192.1:5937
    mode http
    stats enable
    stats uri /
    stats auth lbstats:Zm9vYmFyYmF6cXV4cXV1eA
${FRONTEND}
    bind 127.18.1.10:10080
    mode http
    option forwardfor
    default_backend 00000000-0000-4000-8000-000000000003
${BACKEND}
    mode http
    balance roundrobin
    server 00000000-0000-4000-8000-000000000041 127.18.2.10:8080 weight 1
    server 00000000-0000-4000-8000-000000000042 127.18.2.11:8080 weight 1
`);
  });

  it("disables the standby's frontend, and nothing else differs from the active's file but the first line and the stats address", () => {
    const active = loopbackConfig(render(), ACTIVE).split('\n');
    const standby = loopbackConfig(render(), STANDBY).split('\n');
    expect(standby[0]).toBe('# loopback data plane of the process driver: role standby, port offset 10000');
    expect(sectionOf(standby.join('\n'), FRONTEND)).toEqual([
      '    bind 127.18.1.10:10080',
      '    mode http',
      '    option forwardfor',
      '    disabled',
      '    default_backend 00000000-0000-4000-8000-000000000003',
    ]);
    const differences = standby.filter((line) => !active.includes(line));
    expect(differences).toEqual([standby[0], '    bind 127.19.192.2:5937', '    disabled']);
  });

  it('says the role in the file, so a failover changes its hash', () => {
    expect(contentHash(loopbackConfig(render(), ACTIVE))).not.toBe(
      contentHash(loopbackConfig(render(), { ...STANDBY, statsAddress: ACTIVE.statsAddress })),
    );
  });

  it('keeps one disabled line when the VIP itself is disabled, for either role', () => {
    const vipDown = render(withVip({ adminStateUp: false }));
    for (const options of [ACTIVE, STANDBY]) {
      expect(sectionOf(loopbackConfig(vipDown, options), FRONTEND).filter((l) => l === '    disabled')).toHaveLength(1);
    }
  });

  it('keeps user and group as root, who can switch to them', () => {
    const global = sectionOf(loopbackConfig(render(), { ...ACTIVE, root: true }), 'global');
    expect(global).toContain('    user nobody');
    expect(global).toContain('    group nogroup');
    expect(sectionOf(loopbackConfig(render(), ACTIVE), 'global').some((l) => /^ {4}(user|group) /.test(l))).toBe(false);
  });

  it('moves only addresses with offset 0 (root may bind privileged ports)', () => {
    const text = loopbackConfig(render(), { ...ACTIVE, portOffset: 0, root: true });
    expect(sectionOf(text, FRONTEND)[0]).toBe('    bind 127.18.1.10:80');
    expect(text.split('\n')[0]).toBe('# loopback data plane of the process driver: role active, port offset 0');
  });

  it('offsets privileged member ports and leaves the others', () => {
    const text = loopbackConfig(
      render(
        withMembers((ms) => [
          { ...ms[0], protocolPort: 80 },
          { ...ms[1], protocolPort: 1024 },
        ]),
      ),
      ACTIVE,
    );
    expect(sectionOf(text, BACKEND).filter((l) => l.includes('server'))).toEqual([
      '    server 00000000-0000-4000-8000-000000000041 127.18.2.10:1024 weight 1',
      '    server 00000000-0000-4000-8000-000000000042 127.18.2.11:10080 weight 1',
    ]);
  });

  it('leaves a member outside the fabric as it is, port included: it is reached where it is', () => {
    const text = loopbackConfig(render(withMembers((ms) => [{ ...ms[0], address: '127.0.0.1', protocolPort: 80 }])), ACTIVE);
    expect(sectionOf(text, BACKEND)).toContain('    server 00000000-0000-4000-8000-000000000042 127.0.0.1:80 weight 1');
  });

  it('keeps everything after the address of a server line: check, cookie, disabled', () => {
    const text = loopbackConfig(golden('persistence-http-cookie'), ACTIVE);
    expect(sectionOf(text, BACKEND)).toContain(
      '    server 00000000-0000-4000-8000-000000000041 127.18.2.10:8080 weight 1 cookie 00000000-0000-4000-8000-000000000041',
    );
    expect(sectionOf(loopbackConfig(golden('member-disabled'), ACTIVE), BACKEND)).toContain(
      '    server 00000000-0000-4000-8000-000000000041 127.18.2.10:8080 weight 1 disabled',
    );
    expect(sectionOf(loopbackConfig(golden('monitor-http-list'), ACTIVE), BACKEND)).toContain(
      '    server 00000000-0000-4000-8000-000000000041 127.18.2.10:8080 weight 1 check inter 5s fall 3 rise 3',
    );
  });

  it('refuses a VIP outside the fabric: there is no loopback address to listen on', () => {
    expect(() => loopbackConfig(render(withVip({ address: '203.0.113.7' })), ACTIVE)).toThrow(/203\.0\.113\.7:80 is outside the fabric/);
  });

  describe('a TLS frontend', () => {
    const tls = golden('tls-termination');
    const crt = '/run/lbaas/00000000-0000-4000-8000-000000000071/tls/00000000-0000-4000-8000-000000000080-5f3a09c2e1b47d86.pem';

    it("keeps ssl, the certificate file and alpn on the VIP's bind, with 443 moved by the offset", () => {
      expect(sectionOf(loopbackConfig(tls, ACTIVE), FRONTEND).slice(0, 2)).toEqual([
        `    bind 127.18.1.10:10443 ssl crt ${crt} alpn h2,http/1.1`,
        '    mode http',
      ]);
      expect(sectionOf(loopbackConfig(tls, STANDBY), FRONTEND)).toEqual(
        expect.arrayContaining([`    bind 127.18.1.10:10443 ssl crt ${crt} alpn h2,http/1.1`, '    disabled']),
      );
      // The members hear of the port the client asked for, not the loopback one.
      expect(sectionOf(loopbackConfig(tls, ACTIVE), FRONTEND)).toContain('    http-request set-header X-Forwarded-Port 443');
    });

    it("terminates TLS on a floating IP's bind too", () => {
      expect(sectionOf(loopbackConfig(tls, { ...ACTIVE, floatingAddresses: ['198.19.0.7'] }), FRONTEND).slice(0, 2)).toEqual([
        `    bind 127.18.1.10:10443 ssl crt ${crt} alpn h2,http/1.1`,
        `    bind 127.19.0.7:10443 ssl crt ${crt} alpn h2,http/1.1`,
      ]);
    });
  });

  describe('floating IPs', () => {
    const floatingAddresses = ['198.19.0.7', '198.19.0.3', '198.19.0.3'];

    it("listen on the active placement's frontend, at the VIP's port, once each, in a stable order", () => {
      expect(sectionOf(loopbackConfig(render(), { ...ACTIVE, floatingAddresses }), FRONTEND).slice(0, 4)).toEqual([
        '    bind 127.18.1.10:10080',
        '    bind 127.19.0.3:10080',
        '    bind 127.19.0.7:10080',
        '    mode http',
      ]);
      expect(loopbackConfig(render(), { ...ACTIVE, floatingAddresses })).toBe(
        loopbackConfig(render(), { ...ACTIVE, floatingAddresses: [...floatingAddresses].reverse() }),
      );
    });

    it("do not reach the standby's file, which stays the same with or without them", () => {
      expect(loopbackConfig(render(), { ...STANDBY, floatingAddresses })).toBe(loopbackConfig(render(), STANDBY));
    });

    it('outside the fabric are refused', () => {
      expect(() => loopbackConfig(render(), { ...ACTIVE, floatingAddresses: ['203.0.113.9'] })).toThrow(/203\.0\.113\.9 is outside/);
    });
  });

  describe('a load balancer of two listeners (Octavia v2)', () => {
    const two = golden('v2-two-listeners');
    const frontend = (n: number) => `frontend 00000000-0000-4000-8000-0000000000${n}`;

    it('binds each frontend at its own port, privileged ones moved, and each also on the floating addresses', () => {
      const text = loopbackConfig(two, { ...ACTIVE, floatingAddresses: ['198.19.0.7'] });
      expect(sectionOf(text, frontend(21)).slice(0, 2)).toEqual(['    bind 127.18.1.10:10080', '    bind 127.19.0.7:10080']);
      expect(sectionOf(text, frontend(22)).slice(0, 2)).toEqual(['    bind 127.18.1.10:8080', '    bind 127.19.0.7:8080']);
    });

    it("disables every frontend of the standby's file", () => {
      const text = loopbackConfig(two, STANDBY);
      for (const n of [21, 22]) expect(sectionOf(text, frontend(n))).toContain('    disabled');
    });

    it("moves a member's monitor address, and its privileged monitor port, to loopback too", () => {
      const input = withMembers((ms) => [
        { ...ms[0], monitorAddress: '198.18.3.10', monitorPort: 443 },
        { ...ms[1], monitorPort: 9000 },
      ])(golden('v2-backup-monitor-port'));
      const servers = sectionOf(loopbackConfig(input, ACTIVE), 'backend 00000000-0000-4000-8000-000000000031').filter((l) =>
        l.startsWith('    server '),
      );
      expect(servers).toEqual([
        '    server 00000000-0000-4000-8000-000000000041 127.18.2.10:8080 weight 0 check inter 5s fall 4 rise 2 port 9000 backup',
        '    server 00000000-0000-4000-8000-000000000042 127.18.2.11:8080 weight 1 check inter 5s fall 4 rise 2 addr 127.18.3.10 port 10443',
      ]);
    });
  });

  describe.each(Object.keys(HAPROXY_CASES))('on the golden case %s', (name) => {
    const input = golden(name);
    const text = renderHaproxyConfig(input);
    it.each([
      ['active', ACTIVE],
      ['standby', STANDBY],
      ['active, as root with offset 0', { ...ACTIVE, root: true, portOffset: 0 }],
    ] as const)('leaves no fabric address nor shared stats address, and every other line as it was (%s)', (_role, options) => {
      const out = loopbackConfig(input, options);
      expect(out).not.toMatch(/198\.1[89]\./);
      expect(out).not.toContain('127.0.0.1:5937');
      // allowed_cidrs move to the loopback image with the clients they admit.
      const touched = /^ {4}(bind|server|user|group|disabled|acl lb_allowed_cidrs)( |$)/;
      expect(
        out
          .split('\n')
          .slice(1)
          .filter((l) => !touched.test(l)),
      ).toEqual(text.split('\n').filter((l) => !touched.test(l)));
      expect(out.split('\n').filter((l) => l.startsWith('    server ')).length).toBe(
        text.split('\n').filter((l) => l.startsWith('    server ')).length,
      );
    });
  });
});
