import type { RenderedPlacementConfig } from '@lbaas/domain';
import { PLACEMENT_BUNDLE_VERSION, placementBundleName, readPlacementBundle } from '@lbaas/haproxy';
import { CONFIG_BUCKET } from '@lbaas/coordination';
import type { ObjectStore } from 'nats';
import type { BundlePending, PlacementFiles } from './desired';

/**
 * Fetches a placement's rendered files and bundle from the object store, keeping what it fetched
 * (content-addressed, so never stale) until a pass over the whole node no longer needs it.
 */
export class ConfigFiles {
  private readonly texts = new Map<string, string>();
  private readonly bundles = new Map<string, PlacementFiles['bundle']>();

  constructor(private readonly objects: ObjectStore) {}

  private async blob(name: string, what: string): Promise<string> {
    const blob = await this.objects.getBlob(name);
    if (blob === null) throw new Error(`${what} ${name} is not in the object store ${CONFIG_BUCKET}`);
    return new TextDecoder().decode(blob);
  }

  private async text(hash: string): Promise<string> {
    const cached = this.texts.get(hash) ?? (await this.blob(hash, 'rendered file'));
    this.texts.set(hash, cached);
    return cached;
  }

  /**
   * The placement's files and bundle, or why they are not there yet: a bundle not in the store
   * (of a rendering made before this bundle version; the config renderer stores it when it
   * renders the instance again, at its start). Throws, saying what is missing or wrong, when
   * they cannot be had.
   */
  async get(r: RenderedPlacementConfig): Promise<PlacementFiles | BundlePending> {
    const name = placementBundleName(r.haproxyHash, r.keepalivedHash);
    // Side by side: each is round trips to the object store, on a new placement's way to serving.
    const [haproxyText, keepalivedText, stored] = await Promise.all([
      this.text(r.haproxyHash),
      this.text(r.keepalivedHash),
      this.bundles.has(name) ? null : this.objects.getBlob(name),
    ]);
    const [haproxy, keepalived] = [
      { hash: r.haproxyHash, text: haproxyText },
      { hash: r.keepalivedHash, text: keepalivedText },
    ];
    let bundle = this.bundles.get(name);
    if (bundle === undefined) {
      if (stored === null)
        return {
          pending: `placement bundle ${name} (version ${PLACEMENT_BUNDLE_VERSION}) is not in the object store ${CONFIG_BUCKET} yet: the config renderer stores it when it renders the instance`,
        };
      bundle = readPlacementBundle(new TextDecoder().decode(stored), r);
      this.bundles.set(name, bundle);
    }
    return { haproxy, keepalived, bundle };
  }

  /** Forgets everything but the files of these renderings. */
  retain(renderings: readonly RenderedPlacementConfig[]): void {
    const hashes = new Set(renderings.flatMap((r) => [r.haproxyHash, r.keepalivedHash]));
    const names = new Set(renderings.map((r) => placementBundleName(r.haproxyHash, r.keepalivedHash)));
    for (const hash of this.texts.keys()) if (!hashes.has(hash)) this.texts.delete(hash);
    for (const name of this.bundles.keys()) if (!names.has(name)) this.bundles.delete(name);
  }
}
