import type { Command } from "commander";
import { choiceOption, CUBIC, simdOption, styleOption } from "./options.js";
import { runCommand } from "./common.js";
import { addModelOverrideOptions } from "./calculator-options.js";
import { runMd, type MdFlags } from "./md-run.js";
import { addStreitzOptions } from "./streitz.js";

/**
 * `ect-eam md`: velocity-Verlet dynamics of any model (EAM, ECT-EAM, Streitz-Mintmire) with a thermo
 * table and the speed per atom-step; NVE, Langevin or Nose-Hoover NVT, Berendsen NPT, restarts,
 * dumps, logs and trajectories, all on one driver (src/cli/md-run.ts).
 */
export function registerMd(program: Command): void {
  const cmd = program
    .command("md")
    .description("molecular dynamics of EAM, ECT-EAM or Streitz-Mintmire (velocity Verlet; NVE, Langevin or Nose-Hoover NVT, Berendsen NPT) with restarts, dumps and CSV logs")
    .option("--potential <file>", "EAM potential (.eam, .eam.alloy, .eam.fs); with --streitz the EAM part of Streitz-Mintmire")
    .option("--model <file>", "ECT-EAM model (JSON): charges evolve; reports E, Omega, total charge and solver iterations")
    .option("--input <file>", "starting structure: extended XYZ (first frame) or LAMMPS data file")
    .addOption(choiceOption("--lattice <fcc|bcc|sc|diamond|rocksalt>", "build a cubic crystal instead of --input", CUBIC))
    .option("--a <A>", "lattice constant for --lattice, A")
    .option("--repeat <n>", "conventional cells per edge for --lattice", "10")
    .option("--element <symbols>", "element for --lattice (default: the potential's first); rocksalt: cation,anion (e.g. Na,Cl)")
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated")
    .addOption(styleOption())
    .option("--steps <n>", "number of steps", "1000")
    .option("--dt <fs>", "time step, fs", "1")
    .option("--temperature <K>", "initial temperature for Maxwell-Boltzmann velocities, K", "300")
    .option("--seed <n>", "random seed for the velocities", "12345")
    .option("--keep-velocities", "use the input's velocities instead of drawing new ones")
    .option("--skin <A>", "neighbor skin, A", "1.0")
    .option("--neigh-every <n>", "check the neighbor list every n steps (NVE of EAM and Streitz-Mintmire)", "1")
    .option("--neigh-delay <n>", "no rebuild within n steps of the last (NVE of EAM and Streitz-Mintmire)", "0")
    .option("--thermo <n>", "thermo output every n steps (default: steps/10)")
    .option("--trajectory <file>", "write frames to this extended XYZ file (positions, velocities as ASE momenta, forces, charges)")
    .option("--every <n>", "trajectory interval in steps", "100")
    .addOption(simdOption())
    .option("--qeq-xl", "with --streitz, NVE: extended-Lagrangian QEq charges (auxiliary charges move with the atoms; at most 4 CG loops per step; src/streitz/README.md); thermostat and barostat runs solve every step")
    .option("--qeq-xl-shadow", "as --qeq-xl, with shadow-potential forces: the charges are the auxiliary ones, so one walk over the list per step does the QEq matrix, its first CG product and the forces; 2 CG loops per step; faster, larger charge error (src/streitz/README.md)")
    .addOption(choiceOption("--solver <xl|shadow|exact>", "ECT-EAM bond-transfer models: xl (default) takes each step from one truncated Newton step off extended-Lagrangian amplitudes (2 solver evaluations); shadow the same step with the mean field and its forces at the auxiliary amplitudes (1 evaluation; forces of the shadow energy); exact solves every step to the tolerance (the reference; 25-40x more evaluations)", ["xl", "shadow", "exact"]))
    .addOption(choiceOption("--thermostat <none|langevin|nose-hoover>", "NVT thermostat (default none: NVE)", ["none", "langevin", "nose-hoover"]))
    .option("--target-temperature <K>", "thermostat target temperature, K (default: --temperature)")
    .option("--tdamp <fs>", "thermostat damping time, fs (Langevin 1/friction; Nose-Hoover period)", "100")
    .option("--chain <n>", "Nose-Hoover chain length", "3")
    .addOption(choiceOption("--barostat <none|berendsen>", "pressure coupling for periodic cells (default none)", ["none", "berendsen"]))
    .option("--pressure <bar>", "barostat target pressure, bar", "0")
    .option("--pdamp <fs>", "barostat relaxation time, fs", "1000")
    .addOption(choiceOption("--couple <iso|aniso>", "barostat: one scale factor (iso) or one per axis (aniso)", ["iso", "aniso"], "iso"))
    .option("--compressibility <1/bar>", "barostat: assumed compressibility, 1/bar (default 1e-6, a metal's)")
    .option("--dump <file>", "write a LAMMPS dump custom file (id type element x y z vx vy vz fx fy fz [q])")
    .option("--dump-every <n>", "dump interval in steps", "100")
    .option("--log <file>", "write the thermo output as CSV (one row per thermo line)")
    .option("--restart <file>", "continue the run saved in this restart file (structure, velocities, thermostat state)")
    .option("--write-restart <file>", "save a restart file (at the end, and every --restart-every steps)")
    .option("--restart-every <n>", "restart interval in steps (default: only at the end)")
    .option("--workers <n>", "EAM or Streitz-Mintmire: run one system over n worker threads by spatial domain decomposition (NVE, Nose-Hoover or Langevin; thermo table only)")
    .action((opts: MdFlags, command: Command) => runCommand(() => runMd(opts, (name) => command.getOptionValueSource(name) === "cli")));
  addStreitzOptions(cmd);
  addModelOverrideOptions(cmd, { charge: true, coulCutoff: false });
}
