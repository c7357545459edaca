import { contentHash } from './content-hash';
import { baseHaproxyInput, baseKeepalivedInput, GOLDEN_TLS, terminated, uuidOf } from './golden-cases';
import { HAPROXY_CASES } from './golden-cases-l7';
import {
  canonicalJson,
  InvalidPlacementBundle,
  PLACEMENT_BUNDLE_VERSION,
  placementBundleName,
  readPlacementBundle,
  renderPlacement,
} from './placement-bundle';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';

const tlsInput = () => terminated(baseHaproxyInput());
const rendered = () => renderPlacement(tlsInput(), baseKeepalivedInput());
const hashes = (r: ReturnType<typeof rendered>) => ({ haproxyHash: r.haproxy.hash, keepalivedHash: r.keepalived.hash });

describe('renderPlacement', () => {
  it('renders the same bytes as the two renderers, so the golden files stand for it', () => {
    const r = rendered();
    expect(r.haproxy).toEqual({ text: renderHaproxyConfig(tlsInput()), hash: contentHash(renderHaproxyConfig(tlsInput())) });
    expect(r.keepalived.text).toBe(renderKeepalivedConfig(baseKeepalivedInput()));
  });

  it('states the facts an agent needs: binds with their certificate file, servers by id, stats, VRRP', () => {
    const { bundle, haproxy, keepalived } = rendered();
    const runDir = baseHaproxyInput().runDir;
    const tls = {
      path: `${runDir}/tls/${uuidOf(80)}-5f3a09c2e1b47d86.pem`,
      certificateId: uuidOf(80),
      fingerprintPrefix: '5f3a09c2e1b47d86',
    };
    expect(bundle).toMatchObject({
      version: PLACEMENT_BUNDLE_VERSION,
      instanceId: uuidOf(1),
      vmId: uuidOf(71),
      haproxy: {
        hash: haproxy.hash,
        frontends: [{ id: uuidOf(2), enabled: true, binds: [{ address: '198.18.1.10', port: 443, tls }] }],
        backends: [
          {
            id: uuidOf(3),
            enabled: true,
            servers: [
              { id: uuidOf(41), address: '198.18.2.10', port: 8080, weight: 1, enabled: true },
              { id: uuidOf(42), address: '198.18.2.11', port: 8080, weight: 1, enabled: true },
            ],
          },
        ],
        tlsFiles: [tls],
        statsSocket: `${runDir}/haproxy.sock`,
        stats: { address: '127.0.0.1', port: 5937 },
      },
      keepalived: {
        hash: keepalived.hash,
        role: 'active',
        priority: 200,
        virtualRouterId: 7,
        vrrpAddress: '198.19.192.1',
        peerAddress: '198.19.192.2',
      },
    });
    // The crt path of the facts is the one in the file.
    expect(haproxy.text).toContain(`ssl crt ${tls.path} alpn`);
  });

  it('states a frontend per listener and a backend per pool, each certificate file once', () => {
    const two = HAPROXY_CASES['v2-two-listeners'](baseHaproxyInput());
    const input = { ...two, frontends: two.frontends.map((f) => ({ ...f, mode: 'http' as const, tls: GOLDEN_TLS })) };
    const { haproxy } = renderPlacement(
      { ...input, backends: input.backends.map((b) => ({ ...b, mode: 'http' as const })) },
      baseKeepalivedInput(),
    ).bundle;
    expect(haproxy.frontends.map((f) => [f.id, f.binds.map((b) => b.port)])).toEqual([
      [uuidOf(21), [80]],
      [uuidOf(22), [8080]],
    ]);
    expect(haproxy.backends.map((b) => [b.id, b.servers.map((s) => s.id)])).toEqual([
      [uuidOf(31), [uuidOf(41), uuidOf(42)]],
      [uuidOf(32), [uuidOf(43), uuidOf(44)]],
    ]);
    expect(haproxy.tlsFiles).toEqual([expect.objectContaining({ certificateId: uuidOf(80) })]);
  });

  it("names the bundle by both files' hashes and the bundle's version", () => {
    const r = rendered();
    expect(placementBundleName(r.haproxy.hash, r.keepalived.hash)).toMatch(/^bundle-v3-[0-9a-f]{64}$/);
    expect(placementBundleName(r.haproxy.hash, r.keepalived.hash)).not.toBe(placementBundleName(r.haproxy.hash, r.haproxy.hash));
  });
});

describe('readPlacementBundle', () => {
  it('reads back what was stored, whatever the order of its keys', () => {
    const r = rendered();
    const reordered = JSON.stringify(JSON.parse(canonicalJson(r.bundle)));
    expect(readPlacementBundle(reordered, hashes(r))).toEqual(r.bundle);
  });

  const tampered = (change: (b: Record<string, any>) => void) => {
    const r = rendered();
    const b = JSON.parse(JSON.stringify(r.bundle)) as Record<string, any>;
    change(b);
    return () => readPlacementBundle(JSON.stringify(b), hashes(r));
  };

  it.each<[string, (b: Record<string, any>) => void, RegExp]>([
    [
      'another version',
      (b) => {
        b.version = 1;
      },
      /version 1, where this reader knows 3/,
    ],
    [
      'the bundle of other files',
      (b) => {
        b.haproxy.hash = 'f'.repeat(64);
      },
      /not [0-9a-f]{64} and/,
    ],
    [
      'a server id that would be a second runtime command',
      (b) => {
        b.haproxy.backends[0].servers[0].id = `${uuidOf(41)}\nshutdown sessions`;
        b.haproxy.input.backends[0].members[1].id = b.haproxy.backends[0].servers[0].id;
      },
      /backends\[0\]\.members\[1\]\.id/,
    ],
    [
      'facts that are not those of the input',
      (b) => {
        b.haproxy.backends[0].servers[0].weight = 99;
      },
      /facts are not those of its input/,
    ],
    [
      'a keepalived input the validator refuses',
      (b) => {
        b.keepalived.interface = 'lbv0 x';
      },
      /interface/,
    ],
    [
      'ids that disagree',
      (b) => {
        b.vmId = uuidOf(99);
      },
      /ids do not agree/,
    ],
  ])('refuses %s', (_what, change, message) => {
    expect(tampered(change)).toThrow(InvalidPlacementBundle);
    expect(tampered(change)).toThrow(message);
  });

  it('refuses text that is not JSON, or not an object', () => {
    const r = rendered();
    expect(() => readPlacementBundle('{', hashes(r))).toThrow(/not JSON/);
    expect(() => readPlacementBundle('[]', hashes(r))).toThrow(/not an object/);
  });
});
