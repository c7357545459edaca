/** A wrong command line: printed with the verb's usage, exit status 2 (as argparse does). */
export class UsageError extends Error {}

/** A failure the user acts on (a NeutronError, an unknown name, an unreachable API): its message, exit status 1. */
export class CommandError extends Error {}
