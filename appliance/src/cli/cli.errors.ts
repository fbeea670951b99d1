/** Errors the CLI reports as one line with a usage hint and exit code 2. */

/** A command line that cannot be understood. */
export class UsageError extends Error {
  override name = 'UsageError';
}
