// A start that cannot go on (a setting, a port in use, a snapshot that cannot be read) ends
// with its reason on one line of stderr and a non-zero exit: a stack trace would only bury
// the reason, so it follows only where DEBUG is set.

/** Prints `message` (and, with DEBUG set, the error's stack) on stderr; exits with code 1. */
export function exitWith(message: string, error?: unknown): never {
  process.stderr.write(`${message}\n`);
  if (process.env['DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
