import { open } from 'node:fs/promises';
import { CommandError, UsageError } from '../cli-errors';
import type { ParsedArgs } from '../command-line';
import { choiceValue, choicesMetavar } from '../option-values';
import { CERTIFICATE } from '../resources';
import { TENANT_OPTION, createAndShow, deleteVerb, given, listVerb, showVerb, updateAndShow } from './crud';
import type { Verb } from './verb';

/** The API's bound on either PEM field; a longer file is not a certificate chain or a key. */
const MAX_PEM_BYTES = 64 * 1024;

const CERTIFICATE_FILE_HELP = 'PEM file of the certificate chain: the leaf first, then each certificate that issued the one before.';
const CERTIFICATE_KINDS = ['server', 'ca', 'crl'] as const;
const KIND_HELP =
  'server (default): a chain and its private key, served by a VIP or listener; ca: CA certificates, no key, to verify clients or members; crl: revocation lists, no key.';
const PRIVATE_KEY_FILE_HELP = "PEM file of the leaf's unencrypted private key; sent to the API only, which seals it and never shows it.";

/**
 * The text of a PEM file named by `--option`. Read up to the API's bound and no further, so a
 * FIFO (`<(vault read ...)`) works and a wrong path to something endless does not hang. Errors
 * name the option and the path, never what the file holds.
 */
async function pemFile(option: string, path: string): Promise<string> {
  const buffer = Buffer.alloc(MAX_PEM_BYTES + 1);
  let length = 0;
  try {
    const file = await open(path, 'r');
    try {
      while (length < buffer.length) {
        const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
    } finally {
      await file.close();
    }
  } catch (error) {
    // Not `instanceof Error`: a file system error may come from another realm (a test runner's sandbox).
    const reason = error !== null && typeof error === 'object' && 'message' in error ? String(error.message) : String(error);
    throw new CommandError(`--${option} ${path} cannot be read: ${reason}`);
  }
  if (length === 0) throw new CommandError(`--${option} ${path} is empty.`);
  if (length > MAX_PEM_BYTES)
    throw new CommandError(`--${option} ${path} holds more than ${MAX_PEM_BYTES / 1024} KiB, more than the API takes.`);
  return buffer.toString('utf8', 0, length);
}

/** `certificate` and `private_key` from both files, or neither when neither option is given; one alone is a usage error. */
async function material(args: ParsedArgs): Promise<{ certificate?: string; private_key?: string }> {
  const certificatePath = args.string('certificate-file');
  const keyPath = args.string('private-key-file');
  if (certificatePath === undefined && keyPath === undefined) return {};
  if (certificatePath === undefined) throw new UsageError('argument --private-key-file: goes with --certificate-file');
  if (keyPath === undefined) throw new UsageError('argument --certificate-file: goes with --private-key-file');
  return { certificate: await pemFile('certificate-file', certificatePath), private_key: await pemFile('private-key-file', keyPath) };
}

/** A server certificate's chain and key, or a CA bundle's or revocation list's PEM alone (which has no key to send). */
async function createMaterial(args: ParsedArgs): Promise<{ kind?: string; certificate?: string; private_key?: string }> {
  const kindText = args.string('kind');
  const kind = kindText === undefined ? 'server' : choiceValue('kind', kindText, CERTIFICATE_KINDS);
  if (kind === 'server') {
    if (args.string('private-key-file') === undefined) throw new UsageError('the following arguments are required: --private-key-file');
    return material(args);
  }
  if (args.string('private-key-file') !== undefined)
    throw new UsageError(`argument --private-key-file: a ${kind} certificate has no private key`);
  return { kind, certificate: await pemFile('certificate-file', args.requiredOption('certificate-file')) };
}

const certificateCreate: Verb = {
  name: 'lb-certificate-create',
  summary: 'Upload a TLS certificate chain and its private key (or, with --kind, CA certificates or revocation lists).',
  positionals: [{ name: 'NAME', required: true, help: 'Name of the certificate.' }],
  options: {
    ...TENANT_OPTION,
    kind: { type: 'string', metavar: choicesMetavar(CERTIFICATE_KINDS), help: KIND_HELP },
    'certificate-file': { type: 'string', required: true, metavar: 'FILE', help: CERTIFICATE_FILE_HELP },
    'private-key-file': { type: 'string', metavar: 'FILE', help: `${PRIVATE_KEY_FILE_HELP} Required for a server certificate.` },
    description: { type: 'string', metavar: 'DESCRIPTION', help: 'Description of the certificate.' },
  },
  async run(ctx, args) {
    const body = await createMaterial(args);
    return createAndShow(
      ctx,
      CERTIFICATE,
      given({
        name: args.required('NAME'),
        description: args.string('description'),
        ...body,
        tenant_id: args.string('tenant-id'),
      }),
    );
  },
};

const certificateUpdate: Verb = {
  name: 'lb-certificate-update',
  summary: 'Rename a certificate, or replace its chain and key in place (every VIP using it is served the new pair).',
  positionals: [{ name: 'CERTIFICATE', required: true, help: 'ID or name of the certificate.' }],
  options: {
    name: { type: 'string', metavar: 'NAME', help: 'New name.' },
    description: { type: 'string', metavar: 'DESCRIPTION', help: 'New description.' },
    'certificate-file': { type: 'string', metavar: 'FILE', help: `New chain (with --private-key-file). ${CERTIFICATE_FILE_HELP}` },
    'private-key-file': { type: 'string', metavar: 'FILE', help: 'New private key (with --certificate-file), PEM, unencrypted.' },
  },
  async run(ctx, args) {
    const pair = await material(args);
    return updateAndShow(
      ctx,
      CERTIFICATE,
      args.required('CERTIFICATE'),
      given({
        name: args.string('name'),
        description: args.string('description'),
        ...pair,
      }),
    );
  },
};

const certificateReseal: Verb = {
  name: 'lb-certificate-reseal',
  summary: "Seal a certificate's private key again with the current certificate key (admin only; ends a key rotation).",
  positionals: [{ name: 'CERTIFICATE', required: true, help: 'ID or name of the certificate.' }],
  options: {},
  async run(ctx, args) {
    const nameOrId = args.required('CERTIFICATE');
    const id = await ctx.resolve(CERTIFICATE, nameOrId);
    const resealed = await ctx.api.call('PUT', `${CERTIFICATE.path}/${encodeURIComponent(id)}/reseal`, CERTIFICATE.key);
    ctx.out.resource(resealed, `Resealed certificate: ${nameOrId}`);
    return 0;
  },
};

export const CERTIFICATE_VERBS: readonly Verb[] = [
  certificateCreate,
  listVerb('lb-certificate-list', CERTIFICATE, 'List the TLS certificates you can see.'),
  showVerb(
    'lb-certificate-show',
    CERTIFICATE,
    'CERTIFICATE',
    'Show a certificate: its chain, fingerprint, names, validity and VIPs, never its key.',
  ),
  certificateUpdate,
  deleteVerb('lb-certificate-delete', CERTIFICATE, 'CERTIFICATE', 'Delete a certificate no VIP uses.'),
  certificateReseal,
];
