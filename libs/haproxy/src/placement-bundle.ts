import { contentHash } from './content-hash';
import type { HaproxyInput, KeepalivedInput, RenderedFrontend, RenderedTls } from './model';
import { renderHaproxyConfig } from './render-haproxy';
import { renderKeepalivedConfig } from './render-keepalived';
import { FINGERPRINT_PREFIX_LENGTH, type TlsFileKind, tlsFilePath } from './tls';
import { validateHaproxyInput, validateKeepalivedInput } from './validate';

/**
 * The bundle's shape; a reader refuses any other, so a change of shape is a new version. 2: a
 * frontend per VIP or listener and a backend per pool (1 had one of each); 3: L7 policies and
 * TLS options in the input, CA and revocation list files beside certificates in `tlsFiles`.
 */
export const PLACEMENT_BUNDLE_VERSION = 3;

/**
 * A file HAProxy reads that the node agent writes before HAProxy starts or reloads: a
 * certificate's chain then its opened key, or a CA bundle or revocation list (no key).
 */
export interface TlsFileFact {
  readonly path: string;
  readonly kind: TlsFileKind;
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

export interface FrontendFact {
  readonly id: string;
  readonly enabled: boolean;
  readonly binds: readonly BindFact[];
}

export interface BackendFact {
  readonly id: string;
  readonly enabled: boolean;
  readonly servers: readonly ServerFact[];
}

/** What a node agent needs to know of a haproxy.cfg without reading it. */
export interface HaproxyFacts {
  /** The content hash of the haproxy.cfg these facts are of. */
  readonly hash: string;
  /** In the file's order. */
  readonly frontends: readonly FrontendFact[];
  readonly backends: readonly BackendFact[];
  /** Each certificate file once, however many frontends name it. */
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function tlsFile(runDir: string, kind: TlsFileKind, t: RenderedTls): TlsFileFact {
  return {
    path: tlsFilePath(runDir, kind, t.certificateId, t.fingerprint),
    kind,
    certificateId: t.certificateId,
    fingerprintPrefix: t.fingerprint.slice(0, FINGERPRINT_PREFIX_LENGTH),
  };
}

/** Every file of a frontend's binds: its certificate, SNI certificates, client CA and revocation list. */
function frontendFiles(runDir: string, f: RenderedFrontend): TlsFileFact[] {
  if (f.tls === null) return [];
  const o = f.tlsOptions;
  return [
    tlsFile(runDir, 'certificate', f.tls),
    ...(o?.sni ?? []).map((t) => tlsFile(runDir, 'certificate', t)),
    ...(o?.clientCa ? [tlsFile(runDir, 'ca', o.clientCa)] : []),
    ...(o?.clientCa && o.clientCrl ? [tlsFile(runDir, 'crl', o.clientCrl)] : []),
  ];
}

/** The facts of the haproxy.cfg rendered from `input` (whose content hash is `hash`), in the file's order. */
export function haproxyFacts(input: HaproxyInput, hash: string): HaproxyFacts {
  const { stats } = input;
  const frontends = input.frontends.map((f) => ({
    id: f.id,
    enabled: f.adminStateUp,
    binds: [{ address: f.address, port: f.protocolPort, tls: f.tls === null ? null : tlsFile(input.runDir, 'certificate', f.tls) }],
  }));
  const backendFiles = input.backends.flatMap(({ tls }) =>
    tls === null
      ? []
      : [
          ...(tls.clientCertificate ? [tlsFile(input.runDir, 'certificate', tls.clientCertificate)] : []),
          ...(tls.ca ? [tlsFile(input.runDir, 'ca', tls.ca)] : []),
          ...(tls.ca && tls.crl ? [tlsFile(input.runDir, 'crl', tls.crl)] : []),
        ],
  );
  const files = [...input.frontends.flatMap((f) => frontendFiles(input.runDir, f)), ...backendFiles];
  const tlsFiles = new Map(files.map((file) => [file.path, file]));
  return {
    hash,
    frontends,
    backends: input.backends.map((b) => ({
      id: b.id,
      enabled: b.adminStateUp,
      servers: [...b.members]
        .sort(byId)
        .map((m) => ({ id: m.id, address: m.address, port: m.protocolPort, weight: m.weight, enabled: m.adminStateUp })),
    })),
    tlsFiles: [...tlsFiles.values()],
    statsSocket: `${input.runDir}/haproxy.sock`,
    stats: { address: stats.address, port: stats.port },
    input,
  };
}

/**
 * Whether `v` has the shape of this version's facts (frontends and backends, in the facts and in
 * their input): a driver's record of what HAProxy runs may be older than the agent reading it,
 * and facts of another shape are no record at all (the agent reloads once to be sure).
 */
export function isCurrentHaproxyFacts(v: unknown): v is HaproxyFacts {
  return (
    isRecord(v) &&
    typeof v.hash === 'string' &&
    Array.isArray(v.frontends) &&
    Array.isArray(v.backends) &&
    Array.isArray(v.tlsFiles) &&
    isRecord(v.input) &&
    Array.isArray(v.input.frontends) &&
    Array.isArray(v.input.backends)
  );
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

/**
 * The object-store name of the bundle of the placement whose files have these hashes. The
 * version is part of it: a v1 VIP's haproxy.cfg is byte for byte what it was, so without it a
 * renderer would find a bundle of the older shape under the name and never store its own, and an
 * agent still of the older version keeps finding the bundles it can read.
 */
export const placementBundleName = (haproxyHash: string, keepalivedHash: string): string =>
  `bundle-v${PLACEMENT_BUNDLE_VERSION}-${contentHash(`${haproxyHash}/${keepalivedHash}`)}`;

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
