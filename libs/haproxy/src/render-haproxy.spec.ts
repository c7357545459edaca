import {
  baseHaproxyInput,
  type Change,
  monitorOf,
  uuidOf,
  v1Protocol,
  withMembers,
  withMonitors as monitors,
  withPool as pool,
  withVip as vip,
} from './golden-cases';
import type { RenderedBackend } from './model';
import { effectiveMonitor, type HaproxyVariant, renderHaproxyConfig } from './render-haproxy';
import { InvalidRenderInput } from './validate';

const protocol = (p: 'HTTP' | 'HTTPS' | 'TCP'): Change => v1Protocol(p, 80);
const persistence = (sessionPersistence: RenderedBackend['sessionPersistence']): Change => pool({ sessionPersistence });
/** A v1 HTTP VIP with a certificate: TLS on 443, X-Forwarded-Proto and -Port with it. */
const terminatedWith = (fingerprint: string): Change =>
  vip({
    protocolPort: 443,
    tls: { certificateId: uuidOf(80), fingerprint },
    insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
  });
const render = (...changes: Change[]): string => renderHaproxyConfig(changes.reduce((acc, c) => c(acc), baseHaproxyInput()));

/** The directives of one section, without their indentation. */
function section(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section ${header}`);
  const end = lines.findIndex((l, n) => n > start && l !== '' && !l.startsWith(' '));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .filter((l) => l !== '')
    .map((l) => l.trim());
}
const FRONTEND = `frontend ${uuidOf(2)}`;
const BACKEND = `backend ${uuidOf(3)}`;
const servers = (text: string) => section(text, BACKEND).filter((l) => l.startsWith('server '));

describe('renderHaproxyConfig', () => {
  it('starts with a comment naming the instance and ends with a newline', () => {
    const text = render();
    expect(text.split('\n')[0]).toBe(`# haproxy.cfg of service instance ${uuidOf(1)}, rendered by lbaas; do not edit`);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('global: master-worker as nobody:nogroup, pid file and admin socket in runDir, logs to stdout, no CA store for the unused HTTP client', () => {
    expect(section(render(), 'global')).toEqual([
      'master-worker',
      'user nobody',
      'group nogroup',
      'log stdout format raw local0 notice',
      `pidfile ${baseHaproxyInput().runDir}/haproxy.pid`,
      `stats socket ${baseHaproxyInput().runDir}/haproxy.sock mode 600 level admin expose-fd listeners`,
      'httpclient.ssl.verify none',
    ]);
  });

  it('defaults: the seed timeouts, three retries and redispatch', () => {
    expect(section(render(), 'defaults')).toEqual([
      'log global',
      'retries 3',
      'option redispatch',
      'timeout connect 5000',
      'timeout client 50000',
      'timeout server 50000',
    ]);
  });

  it('listen stats: on the node-local address and port, with the per-instance credentials', () => {
    expect(section(render(), 'listen stats')).toEqual([
      'bind 127.0.0.1:5937',
      'mode http',
      'stats enable',
      'stats uri /',
      'stats auth lbstats:Zm9vYmFyYmF6cXV4cXV1eA',
    ]);
  });

  it('frontend for an HTTP VIP: http mode with X-Forwarded-For, no maxconn when unlimited', () => {
    expect(section(render(), FRONTEND)).toEqual(['bind 198.18.1.10:80', 'mode http', 'option forwardfor', `default_backend ${uuidOf(3)}`]);
  });

  it.each(['TCP', 'HTTPS'] as const)('frontend and backend for a %s VIP: tcp mode (HTTPS passes through), no forwardfor', (p) => {
    const text = render(protocol(p));
    expect(section(text, FRONTEND)).toEqual(['bind 198.18.1.10:80', 'mode tcp', `default_backend ${uuidOf(3)}`]);
    expect(section(text, BACKEND)).toContain('mode tcp');
  });

  describe('TLS termination (an HTTP VIP with a certificate)', () => {
    const crt = `${baseHaproxyInput().runDir}/tls/${uuidOf(80)}-0123456789abcdef.pem`;
    const tls = terminatedWith(`0123456789abcdef${'0'.repeat(48)}`);

    it("binds with ssl and the placement's certificate file, in http mode, telling the members the client spoke https", () => {
      expect(section(render(tls), FRONTEND)).toEqual([
        `bind 198.18.1.10:443 ssl crt ${crt} alpn h2,http/1.1`,
        'mode http',
        'option forwardfor',
        'http-request set-header X-Forwarded-Proto https',
        'http-request set-header X-Forwarded-Port 443',
        `default_backend ${uuidOf(3)}`,
      ]);
      expect(section(render(tls), BACKEND).slice(0, 2)).toEqual(['mode http', 'balance roundrobin']);
    });

    it('keeps cookies, maxconn and disabled as for plain HTTP', () => {
      const text = render(tls, vip({ connectionLimit: 20, adminStateUp: false }), persistence({ type: 'HTTP_COOKIE' }));
      expect(section(text, FRONTEND).slice(-3)).toEqual(['maxconn 20', 'disabled', `default_backend ${uuidOf(3)}`]);
      expect(section(text, BACKEND)).toContain('cookie SRV insert indirect nocache');
    });

    it('changes nothing for a VIP without a certificate', () => {
      const proxies = (text: string) => text.slice(text.indexOf('\ndefaults'));
      expect(proxies(render())).not.toMatch(/ssl|X-Forwarded-Proto/);
      expect(proxies(render(protocol('HTTPS')))).not.toMatch(/ssl|X-Forwarded-Proto/);
    });
  });

  it.each([
    [1000, ['maxconn 1000']],
    [0, []],
    [-1, []],
  ] as const)('connection_limit %d gives %j', (limit, expected) => {
    expect(section(render(vip({ connectionLimit: limit })), FRONTEND).filter((l) => l.startsWith('maxconn'))).toEqual(expected);
  });

  it('disables the frontend of a VIP that is administratively down', () => {
    expect(section(render(vip({ adminStateUp: false })), FRONTEND)).toContain('disabled');
    expect(section(render(), FRONTEND)).not.toContain('disabled');
  });

  it.each([
    ['ROUND_ROBIN', 'roundrobin'],
    ['LEAST_CONNECTIONS', 'leastconn'],
    ['SOURCE_IP', 'source'],
  ] as const)('lb_method %s is balance %s', (method, balance) => {
    expect(section(render(pool({ lbMethod: method })), BACKEND).slice(0, 2)).toEqual(['mode http', `balance ${balance}`]);
  });

  it('disables the backend of a pool that is administratively down', () => {
    expect(section(render(pool({ adminStateUp: false })), BACKEND)[2]).toBe('disabled');
    expect(section(render(), BACKEND)).not.toContain('disabled');
  });

  it('one server per member, sorted by id, with address, port and weight; disabled when the member is down', () => {
    const text = render(
      withMembers((ms) => [
        { ...ms[0], weight: 7 },
        { ...ms[1], adminStateUp: false },
      ]),
    );
    expect(servers(text)).toEqual([
      `server ${uuidOf(41)} 198.18.2.10:8080 weight 1 disabled`,
      `server ${uuidOf(42)} 198.18.2.11:8080 weight 7`,
    ]);
  });

  it('a pool without members has a backend without servers', () => {
    expect(section(render(withMembers(() => [])), BACKEND)).toEqual(['mode http', 'balance roundrobin']);
  });

  describe('session persistence', () => {
    it('SOURCE_IP: a stick table of source addresses, in http and tcp mode alike', () => {
      for (const p of ['HTTP', 'TCP', 'HTTPS'] as const) {
        expect(section(render(protocol(p), persistence({ type: 'SOURCE_IP' })), BACKEND).slice(2)).toEqual([
          'stick-table type ip size 10k',
          'stick on src',
          ...servers(render(protocol(p))),
        ]);
      }
    });

    it('HTTP_COOKIE: an inserted SRV cookie, each server named by its member id', () => {
      const text = render(persistence({ type: 'HTTP_COOKIE' }));
      expect(section(text, BACKEND)).toContain('cookie SRV insert indirect nocache');
      expect(servers(text)).toEqual([
        `server ${uuidOf(41)} 198.18.2.10:8080 weight 1 cookie ${uuidOf(41)}`,
        `server ${uuidOf(42)} 198.18.2.11:8080 weight 1 cookie ${uuidOf(42)}`,
      ]);
    });

    it('APP_COOKIE: the named cookie learnt from responses and matched on requests', () => {
      const text = render(persistence({ type: 'APP_COOKIE', cookieName: 'JSESSIONID' }));
      expect(section(text, BACKEND).slice(2, 5)).toEqual([
        'stick-table type string len 64 size 10k',
        'stick store-response res.cook(JSESSIONID)',
        'stick match req.cook(JSESSIONID)',
      ]);
    });

    it.each([
      ['TCP', 'HTTP_COOKIE'],
      ['HTTPS', 'HTTP_COOKIE'],
      ['TCP', 'APP_COOKIE'],
      ['HTTPS', 'APP_COOKIE'],
    ] as const)('%s VIP with %s: a comment instead, since tcp mode cannot see cookies', (p, type) => {
      const text = render(protocol(p), persistence({ type, cookieName: 'SID' }));
      expect(section(text, BACKEND)).toEqual([
        'mode tcp',
        'balance roundrobin',
        `# no ${type} persistence: VIP protocol ${p} is proxied in tcp mode, where HAProxy cannot see cookies`,
        ...servers(render(protocol(p))),
      ]);
      expect(text).not.toMatch(/cookie SRV|cook\(/);
    });
  });

  describe('health monitors', () => {
    it('HTTP: check timeout, httpchk with method and path, rstatus from expected codes, check on each server', () => {
      const text = render(
        monitors(
          monitorOf('HTTP', { delay: 7, timeout: 4, maxRetries: 6, httpMethod: 'HEAD', urlPath: '/healthz?x=1', expectedCodes: '200-204' }),
        ),
      );
      expect(section(text, BACKEND).slice(2, 5)).toEqual([
        'timeout check 4s',
        'option httpchk HEAD /healthz?x=1',
        'http-check expect rstatus ^20[0-4]$',
      ]);
      expect(servers(text)).toEqual([
        `server ${uuidOf(41)} 198.18.2.10:8080 weight 1 check inter 7s fall 6 rise 6`,
        `server ${uuidOf(42)} 198.18.2.11:8080 weight 1 check inter 7s fall 6 rise 6`,
      ]);
    });

    it('HTTPS: as HTTP, with the check over TLS and no certificate verification', () => {
      const text = render(monitors(monitorOf('HTTPS', { expectedCodes: '200,202' })));
      expect(section(text, BACKEND)).toContain('http-check expect rstatus ^(200|202)$');
      expect(servers(text)[0]).toBe(`server ${uuidOf(41)} 198.18.2.10:8080 weight 1 check inter 5s fall 3 rise 3 check-ssl verify none`);
    });

    it('TCP: a plain connect check', () => {
      const text = render(monitors(monitorOf('TCP')));
      expect(section(text, BACKEND).slice(2)).toEqual(['timeout check 3s', ...servers(text)]);
      expect(servers(text)[0]).toMatch(/ check inter 5s fall 3 rise 3$/);
      expect(text).not.toMatch(/httpchk|external-check/);
    });

    it('PING: an external check running the ping command, allowed in global', () => {
      const text = render(monitors(monitorOf('PING')));
      expect(section(text, 'global').slice(-2)).toEqual(['external-check', 'insecure-fork-wanted']);
      expect(section(text, BACKEND).slice(2, 5)).toEqual([
        'timeout check 3s',
        'option external-check',
        'external-check command /usr/local/lib/lbaas/ping-check',
      ]);
      expect(render()).not.toMatch(/external-check|insecure-fork-wanted/);
    });

    it('a disabled monitor checks nothing', () => {
      expect(render(monitors(monitorOf('HTTP', { adminStateUp: false })))).toBe(render());
    });

    it('of several monitors, the first enabled one by id checks the servers, whatever their order', () => {
      const all = [
        monitorOf('HTTP', { id: uuidOf(63), urlPath: '/c' }),
        monitorOf('TCP', { id: uuidOf(61), adminStateUp: false }),
        monitorOf('HTTP', { id: uuidOf(62), urlPath: '/b' }),
      ];
      expect(effectiveMonitor(all)?.id).toBe(uuidOf(62));
      expect(effectiveMonitor([])).toBeNull();
      expect(render(monitors(...all))).toBe(render(monitors(...[...all].reverse())));
      expect(render(monitors(...all))).toContain('option httpchk GET /b\n');
    });
  });

  it('is deterministic: equal input, in any member order, gives identical bytes', () => {
    expect(render()).toBe(render());
    expect(render(withMembers((ms) => [...ms].reverse()))).toBe(render());
  });

  it('refuses invalid input with InvalidRenderInput instead of rendering', () => {
    expect(() => render(vip({ id: 'x\nbackend y' }))).toThrow(InvalidRenderInput);
    expect(() => render(monitors(monitorOf('HTTP', { urlPath: '/a b' })))).toThrow(InvalidRenderInput);
  });
});

describe("a variant of the same placement (the process driver's loopback image)", () => {
  const variant: HaproxyVariant = {
    comment: 'loopback data plane: role active',
    asInvokingUser: true,
    binds: {
      [uuidOf(2)]: [
        { address: '127.18.1.10', port: 20443 },
        { address: '127.19.0.7', port: 20443 },
      ],
    },
  };
  const terminated = terminatedWith(`0123456789abcdef${'0'.repeat(48)}`);

  it('starts with its comment, runs as its invoker and listens where it says, with the certificate on every bind', () => {
    const text = renderHaproxyConfig(terminated(baseHaproxyInput()), variant);
    expect(text.split('\n').slice(0, 2)).toEqual([
      '# loopback data plane: role active',
      `# haproxy.cfg of service instance ${uuidOf(1)}, rendered by lbaas; do not edit`,
    ]);
    expect(text).not.toMatch(/user nobody|group nogroup/);
    const crt = `${baseHaproxyInput().runDir}/tls/${uuidOf(80)}-0123456789abcdef.pem`;
    expect(section(text, FRONTEND).slice(0, 2)).toEqual([
      `bind 127.18.1.10:20443 ssl crt ${crt} alpn h2,http/1.1`,
      `bind 127.19.0.7:20443 ssl crt ${crt} alpn h2,http/1.1`,
    ]);
    // The members still hear of the port the client asked for.
    expect(section(text, FRONTEND)).toContain('http-request set-header X-Forwarded-Port 443');
  });

  it.each<[string, Partial<HaproxyVariant>, string]>([
    ['a comment with a newline', { comment: 'x\nuser root' }, 'variant.comment'],
    ['no bind', { binds: { [uuidOf(2)]: [] } }, `variant.binds.${uuidOf(2)}`],
    ['no binds for a frontend', { binds: {} }, `variant.binds.${uuidOf(2)}`],
    ['binds for a frontend that is not there', { binds: { ...variant.binds, [uuidOf(9)]: [] } }, `variant.binds.${uuidOf(9)}`],
    [
      'a bind address with a space',
      { binds: { [uuidOf(2)]: [{ address: '127.0.0.1 ssl', port: 1 }] } },
      `variant.binds.${uuidOf(2)}[0].address`,
    ],
    ['a bind port out of range', { binds: { [uuidOf(2)]: [{ address: '127.0.0.1', port: 70000 }] } }, `variant.binds.${uuidOf(2)}[0].port`],
  ])('refuses %s', (_what, change, field) => {
    expect(() => renderHaproxyConfig(baseHaproxyInput(), { ...variant, ...change })).toThrow(
      new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `),
    );
  });
});
