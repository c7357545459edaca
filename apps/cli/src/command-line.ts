import { UsageError } from './cli-errors';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** A string option that may be repeated, collecting every value. */
  readonly multiple?: boolean;
  /** A string option the verb cannot do without. */
  readonly required?: boolean;
  readonly short?: string;
  /** The value's placeholder in the help text. */
  readonly metavar?: string;
  readonly help: string;
}
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  readonly name: string;
  readonly required: boolean;
  readonly help: string;
}

type Value = string | boolean | string[];

/** What a command line said, with typed access by option or positional name. */
export class ParsedArgs {
  constructor(
    private readonly options: ReadonlyMap<string, Value>,
    private readonly named: ReadonlyMap<string, string>,
  ) {}

  has(option: string): boolean {
    return this.options.has(option);
  }

  string(option: string): string | undefined {
    const value = this.options.get(option);
    return typeof value === 'string' ? value : undefined;
  }

  strings(option: string): string[] {
    const value = this.options.get(option);
    return Array.isArray(value) ? value : [];
  }

  /** A string option marked required; the parser has already checked that it is there. */
  requiredOption(option: string): string {
    const value = this.options.get(option);
    if (typeof value !== 'string') throw new UsageError(`the following arguments are required: --${option}`);
    return value;
  }

  flag(option: string): boolean {
    return this.options.get(option) === true;
  }

  positional(name: string): string | undefined {
    return this.named.get(name);
  }

  /** A required positional; the parser has already checked that it is there. */
  required(name: string): string {
    const value = this.named.get(name);
    if (value === undefined) throw new UsageError(`the following arguments are required: ${name}`);
    return value;
  }
}

// Blog posts and word processors turn `--name` into `–-name` or `—name`; accept what a paste brings.
const TYPOGRAPHIC_DASHES = /^[\u2012\u2013\u2014\u2015\u2212][-\u2012\u2013\u2014\u2015\u2212]?/;
const NEGATIVE_NUMBER = /^-\d/;
const BOOLEAN_TEXT: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/** `--name`, with a typographic dash restored to two hyphens when that names a known option. */
function normalized(token: string, specs: OptionSpecs): string {
  if (!TYPOGRAPHIC_DASHES.test(token)) return token;
  const candidate = token.replace(TYPOGRAPHIC_DASHES, '--');
  const name = candidate.slice(2).split('=')[0];
  return name in specs ? candidate : token;
}

function optionByShort(specs: OptionSpecs, letter: string): string | undefined {
  return Object.keys(specs).find((name) => specs[name].short === letter);
}

/**
 * Parses a verb's arguments the way argparse does for the neutron CLI: options anywhere,
 * `--opt value` or `--opt=value`, `-x value` or `-xvalue`, `--` ending the options, a string
 * value may be a negative number, booleans also as `--flag=true|false`. Positionals are
 * assigned in order to `positionals`; missing required ones and extra ones are errors.
 */
export function parseCommandLine(argv: readonly string[], specs: OptionSpecs, positionals: readonly PositionalSpec[]): ParsedArgs {
  const options = new Map<string, Value>();
  const loose: string[] = [];
  const set = (name: string, value: string | boolean): void => {
    const spec = specs[name];
    if (spec.multiple && typeof value === 'string') options.set(name, [...((options.get(name) as string[] | undefined) ?? []), value]);
    else options.set(name, value);
  };
  for (let i = 0; i < argv.length; i++) {
    const token = normalized(argv[i], specs);
    if (token === '--') {
      loose.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    let shown = token;
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
      shown = `--${name}`;
      if (!(name in specs)) throw new UsageError(`unrecognized arguments: ${shown}`);
    } else if (token.startsWith('-') && token.length > 1 && !NEGATIVE_NUMBER.test(token)) {
      name = optionByShort(specs, token[1]);
      shown = token.slice(0, 2);
      if (name === undefined) throw new UsageError(`unrecognized arguments: ${token}`);
      const rest = token.slice(2);
      inline = rest === '' ? undefined : rest.replace(/^=/, '');
    } else {
      loose.push(argv[i]);
      continue;
    }
    const spec = specs[name];
    if (spec.type === 'boolean') {
      if (inline === undefined) set(name, true);
      else {
        const value = BOOLEAN_TEXT[inline.toLowerCase()];
        if (value === undefined) throw new UsageError(`argument ${shown}: expected true or false, not '${inline}'`);
        set(name, value);
      }
      continue;
    }
    if (inline !== undefined) {
      set(name, inline);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next.length > 1 && !NEGATIVE_NUMBER.test(next))) {
      throw new UsageError(`argument ${shown}: expected one argument`);
    }
    set(name, next);
    i++;
  }
  const named = new Map<string, string>();
  positionals.forEach((p, index) => {
    const value = loose[index];
    if (value !== undefined) named.set(p.name, value);
  });
  const missing = [
    ...Object.keys(specs)
      .filter((name) => specs[name].required && !options.has(name))
      .map((name) => `--${name}`),
    ...positionals.filter((p) => p.required && !named.has(p.name)).map((p) => p.name),
  ];
  if (missing.length > 0) throw new UsageError(`the following arguments are required: ${missing.join(', ')}`);
  if (loose.length > positionals.length) throw new UsageError(`unrecognized arguments: ${loose.slice(positionals.length).join(' ')}`);
  return new ParsedArgs(options, named);
}

/**
 * The verb and the arguments around it: options of `globals` may come before the verb
 * (`lbaas --os-url URL net-list`); they are handed on with the rest for the verb's parser.
 */
export function splitVerb(argv: readonly string[], globals: OptionSpecs): { verb: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = normalized(argv[i], globals);
    if (!token.startsWith('-') || token === '-') return { verb: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
    const long = token.startsWith('--');
    const name = long ? token.slice(2).split('=')[0] : optionByShort(globals, token[1]);
    if (name === undefined || !(name in globals)) throw new UsageError(`unrecognized arguments: ${token}`);
    const takesNext = globals[name].type === 'string' && (long ? !token.includes('=') : token.length === 2);
    if (takesNext) i++;
  }
  return { verb: undefined, rest: [...argv] };
}
