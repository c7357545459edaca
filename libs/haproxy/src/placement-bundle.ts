import { contentHash } from './content-hash';
import type { HaproxyInput, KeepalivedInput } from './model';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';
import { FINGERPRINT_PREFIX_LENGTH, tlsCertificatePath } from './tls';
import { validateHaproxyInput, validateKeepalivedInput } from './validate';

/** The bundle's shape; a reader refuses any other, so a change of shape is a new version. */
export const PLACEMENT_BUNDLE_VERSION = 1;

/** A certificate file HAProxy reads: the node agent writes it (chain, then the opened key) before HAProxy starts or reloads. */
export interface TlsFileFact {
  readonly path: string;
  readonly certificateId: string;
  readonly fingerprintPrefix: string;
}

export interface BindFact {
  readonly address: string;
  readonly port: number;
  readonly tls: TlsFileFact | null;
}

/** A `server` line of the backend: what the runtime API can change in place is its weight and whether it is enabled. */
export interface ServerFact {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly enabled: boolean;
}

/** What a node agent needs to know of a haproxy.cfg without reading it. */
export interface HaproxyFacts {
  /** The content hash of the haproxy.cfg these facts are of. */
  readonly hash: string;
  readonly frontend: { readonly id: string; readonly enabled: boolean; readonly binds: readonly BindFact[] };
  readonly backend: { readonly id: string; readonly enabled: boolean; readonly servers: readonly ServerFact[] };
  readonly tlsFiles: readonly TlsFileFact[];
  readonly statsSocket: string;
  readonly stats: { readonly address: string; readonly port: number };
  /**
   * What the file was rendered from: tells a change the runtime API can make from one that needs
   * a reload, and lets a driver render its own variant of the file (the process driver). Holds
   * the stats password, as haproxy.cfg does, in the same object store.
   */
  readonly input: HaproxyInput;
}

/** The VRRP settings of a keepalived.conf: its whole input, with the file's content hash. */
export type KeepalivedFacts = KeepalivedInput & { readonly hash: string };

/**
 * One placement's rendered facts, stored as JSON beside its haproxy.cfg and keepalived.conf in
 * the object store `lbaas_configs` under placementBundleName(haproxy hash, keepalived hash), so
 * an agent that reads InstanceConfigRendered finds it by the hashes the event names.
 */
export interface PlacementBundle {
  readonly version: typeof PLACEMENT_BUNDLE_VERSION;
  readonly instanceId: string;
  readonly vmId: string;
  readonly haproxy: HaproxyFacts;
  readonly keepalived: KeepalivedFacts;
}

export interface RenderedPlacement {
  readonly haproxy: { readonly text: string; readonly hash: string };
  readonly keepalived: { readonly text: string; readonly hash: string };
  readonly bundle: PlacementBundle;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The facts of the haproxy.cfg rendered from `input` (whose content hash is `hash`), in the file's order. */
export function haproxyFacts(input: HaproxyInput, hash: string): HaproxyFacts {
  const { vip, pool, stats } = input;
  const tls =
    vip.tls === null
      ? null
      : {
          path: tlsCertificatePath(input.runDir, vip.tls.certificateId, vip.tls.fingerprint),
          certificateId: vip.tls.certificateId,
          fingerprintPrefix: vip.tls.fingerprint.slice(0, FINGERPRINT_PREFIX_LENGTH),
        };
  return {
    hash,
    frontend: { id: vip.id, enabled: vip.adminStateUp, binds: [{ address: vip.address, port: vip.protocolPort, tls }] },
    backend: {
      id: pool.id,
      enabled: pool.adminStateUp,
      servers: [...input.members]
        .sort(byId)
        .map((m) => ({ id: m.id, address: m.address, port: m.protocolPort, weight: m.weight, enabled: m.adminStateUp })),
    },
    tlsFiles: tls === null ? [] : [tls],
    statsSocket: `${input.runDir}/haproxy.sock`,
    stats: { address: stats.address, port: stats.port },
    input,
  };
}

/**
 * Both files of one placement and their bundle, from one input each: pure, so the facts are
 * exactly those of the files. Throws InvalidRenderInput as the renderers do.
 */
export function renderPlacement(haproxy: HaproxyInput, keepalived: KeepalivedInput): RenderedPlacement {
  const haproxyText = renderHaproxyConfig(haproxy);
  const keepalivedText = renderKeepalivedConfig(keepalived);
  const files = {
    haproxy: { text: haproxyText, hash: contentHash(haproxyText) },
    keepalived: { text: keepalivedText, hash: contentHash(keepalivedText) },
  };
  return {
    ...files,
    bundle: {
      version: PLACEMENT_BUNDLE_VERSION,
      instanceId: haproxy.instanceId,
      vmId: keepalived.vmId,
      haproxy: haproxyFacts(haproxy, files.haproxy.hash),
      keepalived: { ...keepalived, hash: files.keepalived.hash },
    },
  };
}

/** The object-store name of the bundle of the placement whose files have these hashes. */
export const placementBundleName = (haproxyHash: string, keepalivedHash: string): string =>
  `bundle-${contentHash(`${haproxyHash}/${keepalivedHash}`)}`;

/** JSON with the keys of every object sorted: equal values give equal text whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A stored bundle that is not one this reader can trust for the files it was asked about. */
export class InvalidPlacementBundle extends Error {
  constructor(reason: string) {
    super(`invalid placement bundle: ${reason}`);
    this.name = 'InvalidPlacementBundle';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The bundle stored for the files with these hashes, checked before anything of it is used: its
 * version, the hashes, both inputs against the renderers' strict validators, and its facts
 * against those derived again from its input, so a server id that reaches a runtime API command
 * is one the validators let into the file. Throws InvalidPlacementBundle.
 */
export function readPlacementBundle(
  json: string,
  expected: { readonly haproxyHash: string; readonly keepalivedHash: string },
): PlacementBundle {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidPlacementBundle(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(value)) throw new InvalidPlacementBundle('not an object');
  if (value.version !== PLACEMENT_BUNDLE_VERSION)
    throw new InvalidPlacementBundle(`version ${String(value.version)}, where this reader knows ${PLACEMENT_BUNDLE_VERSION}`);
  const { haproxy, keepalived } = value;
  if (!isRecord(haproxy) || !isRecord(keepalived)) throw new InvalidPlacementBundle('no haproxy or keepalived facts');
  if (haproxy.hash !== expected.haproxyHash || keepalived.hash !== expected.keepalivedHash) {
    throw new InvalidPlacementBundle(
      `it is of the files ${String(haproxy.hash)} and ${String(keepalived.hash)}, not ${expected.haproxyHash} and ${expected.keepalivedHash}`,
    );
  }
  const { hash: _hash, ...keepalivedInput } = keepalived;
  try {
    validateHaproxyInput(haproxy.input as HaproxyInput);
    validateKeepalivedInput(keepalivedInput as unknown as KeepalivedInput);
  } catch (error) {
    throw new InvalidPlacementBundle(error instanceof Error ? error.message : String(error));
  }
  const input = haproxy.input as HaproxyInput;
  if (canonicalJson(haproxyFacts(input, expected.haproxyHash)) !== canonicalJson(haproxy))
    throw new InvalidPlacementBundle('its haproxy facts are not those of its input');
  if (value.instanceId !== input.instanceId || value.vmId !== keepalivedInput.vmId || keepalivedInput.instanceId !== input.instanceId) {
    throw new InvalidPlacementBundle('its instance and placement ids do not agree');
  }
  return value as unknown as PlacementBundle;
}
