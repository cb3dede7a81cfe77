/**
 * Where the running `ect-eam` command writes: the process's stdout and stderr when run as a program
 * (src/cli/main.ts), any pair of writable sinks when run in process (`runCli` in src/cli/run.ts, as
 * the tests do). The commands write through `stdout()` and `stderr()` instead of `process.stdout`,
 * end with `CliExit` instead of `process.exit`, and set their exit status with `setExitCode`, so an
 * in-process run prints the same text and returns the same status as the program, and leaves no
 * state behind for the next.
 */

/** A text sink: `process.stdout` / `process.stderr`, or a collector. */
export interface CliStream {
  write(text: string): unknown;
  /** Whether a terminal is attached (progress bars are drawn only then). */
  readonly isTTY?: boolean;
  /** Terminal width (commander wraps its help to it on a terminal). */
  readonly columns?: number;
  /** Whether the terminal shows colours (commander's help). */
  hasColors?(): boolean;
}

/** The two outputs of a command. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

/** Thrown to end a command with an exit status (the program calls `process.exit` with it). */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`ect-eam exited with status ${code}`);
    this.name = "CliExit";
  }
}

interface Run extends CliIo {
  /** The arguments after the program name (`md --potential ...`). */
  args: readonly string[];
  /** Exit status when the command returns normally (1: finished but did not converge). */
  exitCode: number;
}

let run: Run | null = null;

function current(): Run {
  if (run === null) throw new Error("no ect-eam command is running (src/cli/io.ts)");
  return run;
}

/**
 * The running command's standard output (the process's when none runs: a warning a worker thread
 * sends after its command ended goes where the program's would).
 */
export function stdout(): CliStream {
  return run?.stdout ?? process.stdout;
}

/** The running command's standard error (the process's when none runs). */
export function stderr(): CliStream {
  return run?.stderr ?? process.stderr;
}

/** The running command's arguments after the program name. */
export function commandArgs(): readonly string[] {
  return current().args;
}

/** Sets the exit status the command returns with when it ends normally. */
export function setExitCode(code: number): void {
  current().exitCode = code;
}

/**
 * Runs `body` as the one current command writing to `io`; returns the exit status it set (0 unless
 * `setExitCode`). One command at a time: a second one while one runs is refused.
 */
export async function withCommand(args: readonly string[], io: CliIo, body: () => Promise<void>): Promise<number> {
  if (run !== null) throw new Error("an ect-eam command is already running in this process");
  const r: Run = { stdout: io.stdout, stderr: io.stderr, args, exitCode: 0 };
  run = r;
  try {
    await body();
    return r.exitCode;
  } finally {
    run = null;
  }
}
