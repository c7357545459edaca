import { UsageError } from './cli-errors';
import { type OptionSpecs, type PositionalSpec, parseCommandLine, splitVerb } from './command-line';

const SPECS: OptionSpecs = {
  name: { type: 'string', help: '' },
  'subnet-id': { type: 'string', required: true, help: '' },
  'connection-limit': { type: 'string', help: '' },
  'router:external': { type: 'boolean', help: '' },
  'dns-nameserver': { type: 'string', multiple: true, help: '' },
  format: { type: 'string', short: 'f', help: '' },
  help: { type: 'boolean', short: 'h', help: '' },
};
const POSITIONALS: PositionalSpec[] = [
  { name: 'NETWORK', required: true, help: '' },
  { name: 'CIDR', required: false, help: '' },
];

const parse = (argv: string[], specs = SPECS, positionals = POSITIONALS) => parseCommandLine(argv, specs, positionals);
const usageError = (argv: string[]) => {
  try {
    parse(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('parsed without an error');
};

describe('parseCommandLine', () => {
  it('takes options before, between and after positionals, with a space or an equals sign', () => {
    const args = parse(['--subnet-id', 's1', 'vipnet', '--name=vipsubnet', '198.18.1.0/24', '-f', 'json']);
    expect(args.required('NETWORK')).toBe('vipnet');
    expect(args.positional('CIDR')).toBe('198.18.1.0/24');
    expect(args.string('name')).toBe('vipsubnet');
    expect(args.requiredOption('subnet-id')).toBe('s1');
    expect(args.string('format')).toBe('json');
  });

  it('leaves an optional positional out', () => {
    const args = parse(['--subnet-id', 's1', 'vipnet']);
    expect(args.positional('CIDR')).toBeUndefined();
  });

  it.each([
    [['-fjson'], 'json'],
    [['-f=json'], 'json'],
    [['--format=value'], 'value'],
  ])('reads a short or long option with its value attached: %j', (argv, expected) => {
    expect(parse(['--subnet-id', 's', 'n', ...argv]).string('format')).toBe(expected);
  });

  it('takes a negative number as the value of a string option and as a positional', () => {
    const args = parse(['--subnet-id', 's', '--connection-limit', '-1', 'n', '-5']);
    expect(args.string('connection-limit')).toBe('-1');
    expect(args.positional('CIDR')).toBe('-5');
  });

  it.each([
    [['--router:external'], true],
    [['--router:external=True'], true],
    [['--router:external=false'], false],
    [[], undefined],
  ])('reads a boolean flag, also as --flag=true|false: %j', (argv, expected) => {
    const args = parse(['--subnet-id', 's', 'n', ...argv]);
    expect(args.has('router:external') ? args.flag('router:external') : undefined).toBe(expected);
  });

  it('collects every value of a repeatable option, and keeps the last of another', () => {
    const args = parse([
      '--subnet-id',
      's',
      'n',
      '--dns-nameserver',
      '198.18.0.53',
      '--name',
      'a',
      '--dns-nameserver=198.18.0.54',
      '--name',
      'b',
    ]);
    expect(args.strings('dns-nameserver')).toEqual(['198.18.0.53', '198.18.0.54']);
    expect(args.string('name')).toBe('b');
    expect(args.strings('name')).toEqual([]);
  });

  it.each([['\u2013-name'], ['\u2014name'], ['\u2013name']])('restores a typographic dash pasted from a web page: %s', (dash) => {
    expect(parse([dash, 'vipsubnet', '--subnet-id', 's', 'vipnet']).string('name')).toBe('vipsubnet');
  });

  it('keeps a typographic dash that names no option as a positional', () => {
    expect(parse(['--subnet-id', 's', '\u2013nothing']).required('NETWORK')).toBe('\u2013nothing');
  });

  it('stops reading options at --', () => {
    const args = parse(['--subnet-id', 's', '--', '--name', 'x'], SPECS);
    expect(args.required('NETWORK')).toBe('--name');
    expect(args.positional('CIDR')).toBe('x');
    expect(args.has('name')).toBe(false);
  });

  it.each([
    [['--subnet-id', 's', 'n', '--nosuch'], 'unrecognized arguments: --nosuch'],
    [['--subnet-id', 's', 'n', '-x'], 'unrecognized arguments: -x'],
    [['--subnet-id', 's', 'n', 'cidr', 'extra'], 'unrecognized arguments: extra'],
    [['--subnet-id'], 'argument --subnet-id: expected one argument'],
    [['n', '--subnet-id', '--name', 'x'], 'argument --subnet-id: expected one argument'],
    [['n', '--subnet-id', 's', '-f'], 'argument -f: expected one argument'],
    [['n'], 'the following arguments are required: --subnet-id'],
    [[], 'the following arguments are required: --subnet-id, NETWORK'],
    [['--subnet-id', 's', 'n', '--router:external=maybe'], "argument --router:external: expected true or false, not 'maybe'"],
  ])('rejects %j with argparse-like words', (argv, message) => {
    expect(usageError(argv)).toBe(message);
  });
});

describe('splitVerb', () => {
  const globals: OptionSpecs = {
    'os-url': { type: 'string', help: '' },
    format: { type: 'string', short: 'f', help: '' },
    help: { type: 'boolean', short: 'h', help: '' },
  };

  it.each([
    [['net-list'], 'net-list', []],
    [['--os-url', 'http://127.0.0.1:1', 'net-list', '-f', 'json'], 'net-list', ['--os-url', 'http://127.0.0.1:1', '-f', 'json']],
    [['--os-url=u', '-fjson', 'net-show', 'x'], 'net-show', ['--os-url=u', '-fjson', 'x']],
    [['-f', 'json', 'net-list'], 'net-list', ['-f', 'json']],
    [['--help'], undefined, ['--help']],
    [[], undefined, []],
  ])('finds the verb in %j', (argv, verb, rest) => {
    expect(splitVerb(argv, globals)).toEqual({ verb, rest });
  });

  it('rejects an option before the verb that is not global', () => {
    expect(() => splitVerb(['--name', 'x', 'net-create'], globals)).toThrow(new UsageError('unrecognized arguments: --name'));
  });
});
