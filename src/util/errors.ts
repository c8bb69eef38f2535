/**
 * Errors the CLI turns into exit code 2 with the message printed as is. Each message names the
 * path or key at fault and says what to do about it.
 */

/** A bad command line: a path that does not exist, an option that makes no sense. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A configuration file that cannot be read, is not valid JSON, or holds a bad key or value. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    message: string,
    /** The config file at fault, as shown in the message. */
    readonly file?: string,
    /** The key path at fault (`rules.SQL999`), when one is. */
    readonly keyPath?: string,
  ) {
    super(message);
  }
}

/** Data pgready wrote to its scratch directory during the run could not be read back (removed, disk full). */
export class ScratchError extends Error {
  override name = 'ScratchError';
}

/** V8's stack overflow ("Maximum call stack size exceeded"): a file nested thousands of levels deep. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
