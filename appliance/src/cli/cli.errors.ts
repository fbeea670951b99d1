/** Errors the CLI reports as one clear line: usage errors (exit 2, with the usage text) and bad input files (exit 1). */

/** A command line that cannot be understood. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input file that cannot be used (unreadable, or not what it should be). */
export class InputError extends Error {
  override name = 'InputError';
}
