/** An error the CLI reports as one line (no stack trace): the user can fix it. */
export class CliError extends Error {
  override name = 'CliError';
}
