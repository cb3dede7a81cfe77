import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { Command } from "commander";
import { registerEval } from "./eval.js";
import { registerMd } from "./md.js";
import { registerScan } from "./scan.js";
import { registerLatent } from "./latent.js";
import { registerFit } from "./fit.js";
import { registerRelax } from "./relax.js";
import { registerProperty } from "./property.js";
import { registerExportLammps } from "./export-lammps.js";
import { registerPlotLog } from "./plot-log.js";

// The kernels compile function by function on first call (the module is compiled lazily). By default
// V8 first compiles a function with its baseline compiler and swaps in optimized code only for later
// calls, so the first neighbor-list build and force evaluation of every command ran as baseline code
// (~30 ms of a 32,000-atom start-up); optimized code at first call does the same arithmetic. Set before
// any module is compiled (commands compile theirs when they run).
setFlagsFromString("--no-liftoff");

// Output piped into `head` and the like: a closed pipe ends the program quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
// Ctrl-C: exit through process.exit, so unfinished output files are removed (src/io/output-file.ts).
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

/** The package version, from the package.json next to dist/ (the bundle sits in dist/cli.js). */
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
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

/** The `ect-eam` command line: one subcommand per file in this folder. */
const program = new Command();
program
  .name("ect-eam")
  .description("Embedded-atom potentials (LAMMPS eam, eam/alloy, eam/fs), ECT-EAM and Streitz-Mintmire in SIMD WebAssembly")
  .version(version(), "-V, --version", "print the version")
  // Usage errors (unknown flag, missing value, bad choice): one line with commander's suggestion and
  // a hint instead of the whole usage, exit status 2 like every other input error.
  .configureOutput({ outputError: (text, write) => write(usageError(text)) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
registerEval(program);
registerMd(program);
registerScan(program);
registerLatent(program);
registerFit(program);
registerRelax(program);
registerProperty(program);
registerExportLammps(program);
registerPlotLog(program);
await program.parseAsync(process.argv);
