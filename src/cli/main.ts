import { Command } from "commander";
import { registerEval } from "./eval.js";
import { registerMd } from "./md.js";
import { registerScan } from "./scan.js";

/** The `ect-eam` command line: one subcommand per file in this folder. */
const program = new Command();
program
  .name("ect-eam")
  .description("Embedded-atom potentials (LAMMPS eam, eam/alloy, eam/fs) in SIMD WebAssembly")
  .showHelpAfterError();
registerEval(program);
registerMd(program);
registerScan(program);
await program.parseAsync(process.argv);
