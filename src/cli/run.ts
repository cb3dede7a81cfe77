/**
 * The `ect-eam` command line as a function: `runCli(["md", "--potential", ...], io)` parses the
 * arguments, runs the command writing to `io` and returns the exit status the program would end
 * with; it never calls `process.exit`. src/cli/main.ts (the `ect-eam` program, dist/cli.js) runs it
 * on `process.argv`; the tests run it in their own process (test/helpers/cli.ts), which saves the
 * start of a Node process, the bundle and the wasm compile per command.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { packagePath } from "./common.js";
import { CliExit, withCommand, type CliIo, type CliStream } from "./io.js";
import { registerEval } from "./eval.js";
import { registerMd } from "./md.js";
import { registerScan } from "./scan.js";
import { registerLatent } from "./latent.js";
import { registerFit } from "./fit.js";
import { registerRelax } from "./relax.js";
import { registerProperty } from "./property.js";
import { registerExportLammps } from "./export-lammps.js";
import { registerPlotLog } from "./plot-log.js";

export type { CliIo, CliStream } from "./io.js";

/** The package version, from the package's package.json (src/cli/common.ts `packagePath`). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Commander's error text as one line: its suggestion inline, then where the options are listed. */
function usageError(text: string): string {
  const [first, ...rest] = text.trim().replace(/^error: /, "").split("\n");
  const hint = rest.map((l) => l.replace(/^\((.*)\)$/, "$1").replace(/^Did you mean/, "did you mean")).join("; ");
  return `ect-eam: ${first.replace(/\.$/, "")}${hint ? ` (${hint})` : ""}; 'ect-eam <command> --help' lists the options\n`;
}

/** Commander's colour rule (NO_COLOR, FORCE_COLOR, else a terminal that has colours). */
function hasColors(s: CliStream): boolean {
  const env = process.env;
  if (env.NO_COLOR || env.FORCE_COLOR === "0" || env.FORCE_COLOR === "false") return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return s.isTTY === true && s.hasColors?.() === true;
}

/** The `ect-eam` command line writing to `io`: one subcommand per file in this folder (a fresh one per run). */
function program(io: CliIo): Command {
  const p = new Command();
  p.name("ect-eam")
    .description("Embedded-atom potentials (LAMMPS eam, eam/alloy, eam/fs), ECT-EAM and Streitz-Mintmire in SIMD WebAssembly")
    .version(version(), "-V, --version", "print the version")
    // Usage errors (unknown flag, missing value, bad choice): one line with commander's suggestion and
    // a hint instead of the whole usage, exit status 2 like every other input error.
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: (text, write) => write(usageError(text)),
      // (commander's own rule: the terminal's width, else its default; its types omit the undefined)
      getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined) as number,
      getErrHelpWidth: () => (io.stderr.isTTY ? io.stderr.columns : undefined) as number,
      getOutHasColors: () => hasColors(io.stdout),
      getErrHasColors: () => hasColors(io.stderr),
    })
    .exitOverride((err) => {
      throw new CliExit(err.exitCode === 0 ? 0 : 2);
    });
  registerEval(p);
  registerMd(p);
  registerScan(p);
  registerLatent(p);
  registerFit(p);
  registerRelax(p);
  registerProperty(p);
  registerExportLammps(p);
  registerPlotLog(p);
  return p;
}

/** How a run ended: its exit status, and whether it ended early (the program then exits at once). */
export interface CliOutcome {
  code: number;
  exited: boolean;
}

/** {@link runCli} with how it ended (src/cli/main.ts exits at once after an early end, as before). */
export async function runCliOutcome(args: readonly string[], io: CliIo): Promise<CliOutcome> {
  try {
    const code = await withCommand(args, io, async () => {
      await program(io).parseAsync([...args], { from: "user" });
    });
    return { code, exited: false };
  } catch (err) {
    if (err instanceof CliExit) return { code: err.code, exited: true };
    throw err;
  }
}

/**
 * Runs `ect-eam ARGS` (the arguments after the program name) writing to `io`; resolves to the exit
 * status: 0, 1 for a run that finished without converging, 2 for an input error (one line
 * `ect-eam: ...` on stderr). Errors that are not input errors (bugs) are thrown, as the program
 * ends with their stack trace. One command at a time per process.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  return (await runCliOutcome(args, io)).code;
}
