import type { OptionSpecs, ParsedArgs, PositionalSpec } from '../command-line';
import type { NeutronClient } from '../neutron-client';
import type { Output } from '../output';
import type { ResourceKind } from '../resources';
import type { WaitClock } from '../wait-for-status';

/** What a verb works with; built once the command line has been parsed. */
export interface VerbContext {
  readonly api: NeutronClient;
  readonly out: Output;
  /** The id of the object `nameOrId` names, or a CommandError in the neutron CLI's words. */
  resolve(kind: ResourceKind, nameOrId: string): Promise<string>;
  readonly clock: WaitClock;
  readonly stderrIsTerminal: boolean;
}

/** One `lbaas <verb>` of the Neutron CLI family. */
export interface Verb {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: OptionSpecs;
  /** The exit status. */
  run(ctx: VerbContext, args: ParsedArgs): Promise<number>;
}
