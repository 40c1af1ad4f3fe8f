/**
 * The flags of a `wattwire sim <kind>` command, each with one line of help, so that every
 * simulator answers `--help` the same way and names its flags.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionConfig = NonNullable<ParseArgsConfig['options']>[string];

export type SimFlag = OptionConfig & {
  /** One line: what the flag does (the default is added from `default`). */
  help: string;
  /** The value's placeholder in the usage, e.g. `N` or `HOST:PORT`; none for a boolean. */
  value?: string;
};

type Flags = Record<string, SimFlag>;
type Values<F extends Flags> = ReturnType<typeof parseArgs<{ args: string[]; options: F; allowPositionals: false }>>['values'];

const HELP_FLAG = { type: 'boolean', short: 'h', help: 'print these flags and exit' } as const satisfies SimFlag;

/**
 * The parsed flags, or undefined after printing the usage for `--help` (the command then
 * ends with exit code 0). An unknown flag is an error that points at `--help`.
 */
export function parseSimFlags<F extends Flags>(kind: string, argv: string[], flags: F, about: string): Values<F> | undefined {
  const options = { ...flags, help: HELP_FLAG };
  let values: Values<F> & { help?: boolean };
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false }).values as Values<F> & { help?: boolean };
  } catch (err) {
    throw new Error(`${(err as Error).message} (see wattwire sim ${kind} --help)`);
  }
  if (!values.help) return values;
  console.log(simUsage(kind, options, about));
  return undefined;
}

export function simUsage(kind: string, flags: Flags, about: string): string {
  const rows = Object.entries(flags).map(([name, flag]) => ({
    spelled: `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`,
    text: `${flag.help}${describeDefault(flag.default)}${flag.multiple ? '; may be repeated' : ''}`,
  }));
  const width = Math.max(...rows.map((r) => r.spelled.length));
  const lines = rows.map((r) => `  ${r.spelled.padEnd(width)}  ${r.text}`);
  return [`usage: wattwire sim ${kind} [flags]`, `${about}`, '', ...lines].join('\n');
}

function describeDefault(value: OptionConfig['default']): string {
  if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) return '';
  return ` (default ${Array.isArray(value) ? value.join(', ') : String(value)})`;
}
