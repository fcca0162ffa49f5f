// What the command-line tools (generate, import, bench) share: option parsers, and the two
// ways a run ends badly. A wrong command line prints one line naming what is wrong, then the
// usage, and exits 2; a failure while running prints one line (its message) and exits 1. The
// stack trace is for whoever debugs the tool: shown only when DEBUG is set.
import { existsSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { firstLine } from './read-source.ts';
import { progressReporter } from './progress-report.ts';
import type { Reporter } from './progress-report.ts';

/** A command with the tools' help layout: usage, options with defaults, then examples. */
export function command(name: string, description: string, examples: readonly string[]): Command {
  return new Command()
    .name(name)
    .description(description)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  ${e}`).join('\n')}\n`)
    // parse() below prints the error and the usage itself, then exits 2.
    .configureOutput({ outputError: () => {} })
    .exitOverride();
}

/** Parses the command line; `--help` exits 0, a wrong command line exits 2 (usageError). */
export function parse(program: Command, argv: readonly string[] = process.argv.slice(2)): void {
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    // One line: commander puts its "(Did you mean --dataset?)" on a line of its own.
    usageError(program, e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '));
  }
}

/** One line saying what is wrong with the command line, the usage, exit code 2. */
export function usageError(program: Command, message: string): never {
  process.stderr.write(`error: ${message}\n`);
  program.outputHelp({ error: true });
  process.exit(2);
}

/** An option value that must be a whole number (digits, an optional minus sign). */
export function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected an integer.');
  return n;
}

/** An option value that must be a whole number of at least `min` (1 by default). */
export function atLeast(min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(min === 1 ? 'Expected a positive integer.' : `Expected an integer of at least ${min}.`);
    return n;
  };
}

export const positiveInteger = atLeast(1);

/** An option value naming a folder: one that exists, or a path where one can be made. */
export function folder(value: string): string {
  if (value === '') throw new InvalidArgumentError('Expected a folder.');
  if (existsSync(value) && !statSync(value).isDirectory()) throw new InvalidArgumentError('It is a file, not a folder.');
  return value;
}

/** An option value that is an amount of memory as DuckDB reads it: a number and a unit
 *  ('8GB', '512MiB'); checked here so that a typo is a usage error, not a failed run. */
export function memorySize(value: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('Expected an amount of memory, such as 8GB or 512MiB.');
  // DuckDB opens with less, then fails the first query: a usage error instead.
  const unit = m[2]!.toUpperCase();
  const bytes = Number(m[1]) * (unit.endsWith('IB') ? 1024 : 1000) ** ('KMGT'.indexOf(unit[0]!) + 1);
  if (bytes < MIN_MEMORY_BYTES) throw new InvalidArgumentError('Expected at least 64MB: DuckDB cannot run with less.');
  return value.trim();
}

/** The least --memory-limit taken (the tests generate under 64 MB). */
const MIN_MEMORY_BYTES = 64 * 1000 ** 2;

/** An option value that must be an ISO 8601 date or instant. */
export function isoDate(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('Expected an ISO 8601 date, such as 2026-11-01.');
  return d;
}

/** Prints a failure as one line on stderr (`describe` words it), the stack only when DEBUG
 *  is set, and exits 1. */
export function fail(e: unknown, describe: (message: string) => string = (m) => m): never {
  process.stderr.write(`${describe(firstLine(e))}\n`);
  if (process.env['DEBUG']) process.stderr.write(`${inspect(e)}\n`);
  process.exit(1);
}

/** Runs a tool's work with a progress reporter on stderr (bars on a terminal, plain lines
 *  to `lines` elsewhere); a failure ends as `fail` says, the reporter stopped first. */
export async function run(
  work: (progress: Reporter) => Promise<void>,
  options: { lines?: (line: string) => void; describe?: (message: string) => string } = {},
): Promise<void> {
  const progress = progressReporter(options.lines ? { lines: options.lines } : {});
  try {
    await work(progress);
    progress.stop();
  } catch (e) {
    progress.stop();
    fail(e, options.describe);
  }
}
