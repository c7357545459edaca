import { CommandError, UsageError } from '../cli-errors';
import type { OptionSpecs, ParsedArgs } from '../command-line';
import { booleanValue, secondsValue } from '../option-values';
import type { Row } from '../output';
import type { ResourceKind } from '../resources';
import { waitForStatus } from '../wait-for-status';
import type { Verb, VerbContext } from './verb';

export const DEFAULT_WAIT_SECONDS = 60;

export const TENANT_OPTION: OptionSpecs = {
  'tenant-id': { type: 'string', metavar: 'TENANT_ID', help: 'The owner tenant (admin only).' },
};
export const ADMIN_STATE_DOWN_OPTION: OptionSpecs = {
  'admin-state-down': { type: 'boolean', help: 'Create it with admin_state_up false.' },
};
export const ADMIN_STATE_UP_OPTION: OptionSpecs = {
  'admin-state-up': { type: 'string', metavar: 'true|false', help: 'Set admin_state_up.' },
};
export const WAIT_OPTIONS: OptionSpecs = {
  wait: { type: 'boolean', help: 'Wait until the status leaves PENDING_* (ACTIVE, ERROR, ...), showing progress.' },
  timeout: {
    type: 'string',
    metavar: 'SECONDS',
    help: `How long --wait waits (default ${DEFAULT_WAIT_SECONDS}); then it gives up with exit status 1.`,
  },
};

/** The fields that were given, without the undefined ones, for a request body. */
export function given(fields: Record<string, unknown>): Row {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** admin_state_up from `--admin-state-up true|false`, undefined when absent. */
export function adminStateUp(args: ParsedArgs): boolean | undefined {
  const text = args.string('admin-state-up');
  return text === undefined ? undefined : booleanValue('admin-state-up', text);
}

/** Name or id to id, undefined when the option or positional was not given. */
export async function resolved(ctx: VerbContext, kind: ResourceKind, nameOrId: string | undefined): Promise<string | undefined> {
  return nameOrId === undefined ? undefined : ctx.resolve(kind, nameOrId);
}

export function listVerb(name: string, kind: ResourceKind, summary: string): Verb {
  return {
    name,
    summary,
    positionals: [],
    options: {},
    async run(ctx) {
      ctx.out.list(await ctx.api.list(kind), kind.listColumns);
      return 0;
    },
  };
}

export function showVerb(name: string, kind: ResourceKind, what: string, summary: string): Verb {
  return {
    name,
    summary,
    positionals: [{ name: what, required: true, help: `ID or ${kind.lookup ?? 'id'} of the ${kind.key} to show.` }],
    options: {},
    async run(ctx, args) {
      ctx.out.resource(await ctx.api.show(kind, await ctx.resolve(kind, args.required(what))));
      return 0;
    },
  };
}

export function deleteVerb(name: string, kind: ResourceKind, what: string, summary: string): Verb {
  return {
    name,
    summary,
    positionals: [{ name: what, required: true, help: `ID or ${kind.lookup ?? 'id'} of the ${kind.key} to delete.` }],
    options: {},
    async run(ctx, args) {
      const nameOrId = args.required(what);
      await ctx.api.remove(kind, await ctx.resolve(kind, nameOrId));
      ctx.out.message(`Deleted ${kind.key}: ${nameOrId}`);
      return 0;
    },
  };
}

/** How long --wait (of WAIT_OPTIONS) waits, null without it; for a verb to check before it sends anything. */
export function waitSeconds(args: ParsedArgs): number | null {
  const timeoutText = args.string('timeout');
  if (!args.flag('wait')) {
    if (timeoutText !== undefined) throw new UsageError('argument --timeout: goes with --wait');
    return null;
  }
  return timeoutText === undefined ? DEFAULT_WAIT_SECONDS : secondsValue('timeout', timeoutText);
}

/**
 * With --wait, reads the resource until its status settles, showing each status on stderr;
 * the exit status is 1 on ERROR or when --timeout passes first. Without --wait, `resource` as is.
 */
async function settled(
  ctx: VerbContext,
  kind: ResourceKind,
  resource: Row,
  seconds: number | null,
): Promise<{ resource: Row; status: number }> {
  if (seconds === null) return { resource, status: 0 };
  const id = String(resource.id);
  const label = `${kind.key} ${id}`;
  let lastStatus = '';
  let lastLine = '';
  const result = await waitForStatus(
    () => ctx.api.show(kind, id),
    seconds * 1000,
    ctx.clock,
    (status, elapsedMs) => {
      // On a terminal the line counts the seconds; in a log, a line per change of status.
      if (status === lastStatus && !ctx.stderrIsTerminal) return;
      lastStatus = status;
      lastLine = `Waiting for ${label}: ${status} after ${(elapsedMs / 1000).toFixed(1)} s (timeout ${seconds} s)`;
      ctx.out.progress(lastLine, false, ctx.stderrIsTerminal);
    },
  );
  if (ctx.stderrIsTerminal) ctx.out.progress(lastLine, true, true);
  const status = String(result.resource.status);
  if (result.outcome === 'timeout') {
    ctx.out.note(`Timed out after ${seconds} s waiting for ${label} to become ACTIVE or ERROR: its status is still ${status}.`);
    return { resource: result.resource, status: 1 };
  }
  if (status === 'ERROR') {
    const why = result.resource.status_description;
    ctx.out.note(`${label} is in ERROR${typeof why === 'string' && why ? `: ${why}` : ''}.`);
    return { resource: result.resource, status: 1 };
  }
  return { resource: result.resource, status: 0 };
}

/** POST, wait `waitFor` seconds for the status to settle unless null, then "Created a new <kind>:" and the resource. */
export async function createAndShow(ctx: VerbContext, kind: ResourceKind, fields: Row, waitFor: number | null = null): Promise<number> {
  const outcome = await settled(ctx, kind, await ctx.api.create(kind, fields), waitFor);
  ctx.out.resource(outcome.resource, `Created a new ${kind.key}:`);
  return outcome.status;
}

/** PUT the given fields (at least one), wait as createAndShow does, then "Updated <kind>: <name>" and the resource. */
export async function updateAndShow(
  ctx: VerbContext,
  kind: ResourceKind,
  nameOrId: string,
  fields: Row,
  waitFor: number | null = null,
): Promise<number> {
  if (Object.keys(fields).length === 0) throw new CommandError(`Must specify new values to update ${kind.key}`);
  const id = await ctx.resolve(kind, nameOrId);
  const outcome = await settled(ctx, kind, await ctx.api.update(kind, id, fields), waitFor);
  ctx.out.resource(outcome.resource, `Updated ${kind.key}: ${nameOrId}`);
  return outcome.status;
}
