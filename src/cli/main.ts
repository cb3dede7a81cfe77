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

// Output piped into `head` and the like: a closed pipe ends the program quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

/** The `ect-eam` command line: one subcommand per file in this folder. */
const program = new Command();
program
  .name("ect-eam")
  .description("Embedded-atom potentials (LAMMPS eam, eam/alloy, eam/fs), ECT-EAM and Streitz-Mintmire in SIMD WebAssembly")
  .showHelpAfterError();
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
