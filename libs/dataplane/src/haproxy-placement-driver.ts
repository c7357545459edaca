import { join } from 'node:path';
import { type HaproxySpec, reloadHaproxy, startHaproxy, updateHaproxyServers } from './daemons';
import type { PlacementSpec } from './placement-driver';
import { pruneTlsFiles } from './tls-files';

/**
 * What the drivers that run a real HAProxy share: a run directory per placement under the run
 * root, and the HAProxy steps, each through the spec the driver derives for the placement.
 */
export abstract class HaproxyPlacementDriver {
  protected constructor(private readonly runRoot: string) {}

  protected runDir(vmId: string): string {
    return join(this.runRoot, vmId);
  }

  protected abstract haproxySpec(p: PlacementSpec): HaproxySpec;

  async startHaproxy(p: PlacementSpec): Promise<void> {
    await startHaproxy(this.haproxySpec(p));
  }

  async reloadHaproxy(p: PlacementSpec): Promise<void> {
    await reloadHaproxy(this.haproxySpec(p));
  }

  async updateServers(p: PlacementSpec, commands: readonly string[]): Promise<boolean> {
    return updateHaproxyServers(this.haproxySpec(p), commands);
  }

  async pruneTlsFiles(p: PlacementSpec): Promise<void> {
    pruneTlsFiles(this.runDir(p.vmId), p.tlsFiles);
  }
}
