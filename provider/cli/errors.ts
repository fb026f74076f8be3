/**
 * How the command line fails: one readable line on stderr and a non-zero exit code, never a stack
 * trace and never a credential. Adobe's errors already carry Adobe's code and message (the
 * client's FlowServiceError); anything else is printed as its message, on one line.
 */

/** A failure the command explains itself; `exitCode` 1 unless said otherwise. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit code of a command line that could not be parsed (commander's own errors). */
export const USAGE_EXIT_CODE = 2;

/**
 * The one line printed for a failure. `secrets` are values known to be credentials (the resolved
 * client secret and access token): whatever the error says, they never reach the terminal.
 */
export function failureLine(error: unknown, secrets: readonly string[] = []): string {
  const raw = error instanceof Error ? error.message : String(error);
  let line = raw.replace(/\s*\n\s*/g, " ").trim() || "failed without a message";
  for (const secret of secrets) {
    if (secret.length >= 4) line = line.split(secret).join("****");
  }
  return line;
}
