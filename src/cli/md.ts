import type { Command } from "commander";
import cliProgress from "cli-progress";
import { openSync, writeSync, closeSync } from "node:fs";
import { EamEngine } from "../engine/engine.js";
import { readStructureFile } from "../io/structure-file.js";
import { formatExtxyz } from "../io/extxyz.js";
import { bulk, type CubicStructure } from "../structures/lattice.js";
import { maxwellBoltzmann, temperatureOf } from "../dynamics/velocities.js";
import { readEctModelFile } from "../ect/model-file.js";
import { buildEctTables } from "../ect/tables.js";
import { EctEngine } from "../ect/engine.js";
import { VelocityVerlet } from "../dynamics/md.js";
import { InputError } from "../errors.js";
import type { Atoms } from "../atoms.js";
import { loadPotential, numberOption, runCommand, speciesOption, thermoHeader, thermoLine } from "./common.js";
import { checkUnusedFlags, gcdSteps, openOutputs, runGenericMd, type MdFlags } from "./md-run.js";
import { addStreitzOptions, usesStreitz } from "./streitz.js";
import { runStreitzMd } from "./streitz-md.js";
import { runDomainMd } from "./md-domain.js";

/**
 * `ect-eam md`: velocity-Verlet dynamics with a thermo table and the speed per atom-step; NVE in
 * wasm chunks, or thermostats, barostat and restarts on the generic driver (src/cli/md-run.ts).
 */
export function registerMd(program: Command): void {
  const cmd = program
    .command("md")
    .description("molecular dynamics (velocity Verlet; NVE, Langevin or Nose-Hoover NVT, Berendsen NPT) with restarts, dumps and CSV logs")
    .option("--potential <file>", "EAM potential (.eam, .eam.alloy, .eam.fs)")
    .option("--model <file>", "ECT-EAM model (JSON): charges evolve; reports E, Omega, total charge and solver iterations")
    .option("--input <file>", "starting structure: extended XYZ (first frame) or LAMMPS data file")
    .option("--lattice <fcc|bcc|sc|diamond>", "build a cubic crystal instead of --input")
    .option("--a <A>", "lattice constant for --lattice, A")
    .option("--repeat <n>", "conventional cells per edge for --lattice", "10")
    .option("--element <symbol>", "element for --lattice (default: the potential's first)")
    .option("--species <list>", "LAMMPS data input: symbols of atom types 1..n, comma-separated")
    .option("--style <style>", "eam | eam/alloy | eam/fs (default: from the potential file name)")
    .option("--steps <n>", "number of steps", "1000")
    .option("--dt <fs>", "time step, fs", "1")
    .option("--temperature <K>", "initial temperature for Maxwell-Boltzmann velocities, K", "300")
    .option("--seed <n>", "random seed for the velocities", "12345")
    .option("--keep-velocities", "use the input's velocities instead of drawing new ones")
    .option("--skin <A>", "neighbor skin, A", "1.0")
    .option("--neigh-every <n>", "check the neighbor list every n steps", "1")
    .option("--neigh-delay <n>", "no rebuild within n steps of the last", "0")
    .option("--thermo <n>", "thermo output every n steps (default: steps/10)")
    .option("--trajectory <file>", "write frames to this extended XYZ file")
    .option("--every <n>", "trajectory interval in steps", "100")
    .option("--simd <on|off>", "use the SIMD kernels (default on)", "on")
    .option("--thermostat <none|langevin|nose-hoover>", "NVT thermostat (default none: NVE)")
    .option("--target-temperature <K>", "thermostat target temperature, K (default: --temperature)")
    .option("--tdamp <fs>", "thermostat damping time, fs (Langevin 1/friction; Nose-Hoover period)", "100")
    .option("--chain <n>", "Nose-Hoover chain length", "3")
    .option("--barostat <none|berendsen>", "pressure coupling for periodic cells (default none)")
    .option("--pressure <bar>", "barostat target pressure, bar", "0")
    .option("--pdamp <fs>", "barostat relaxation time, fs", "1000")
    .option("--couple <iso|aniso>", "barostat: one scale factor (iso) or one per axis (aniso)", "iso")
    .option("--compressibility <1/bar>", "barostat: assumed compressibility, 1/bar (default 1e-6, a metal's)")
    .option("--dump <file>", "write a LAMMPS dump custom file (id type element x y z vx vy vz fx fy fz [q])")
    .option("--dump-every <n>", "dump interval in steps", "100")
    .option("--log <file>", "write the thermo output as CSV (one row per thermo line)")
    .option("--restart <file>", "continue the run saved in this restart file (structure, velocities, thermostat state)")
    .option("--write-restart <file>", "save a restart file (at the end, and every --restart-every steps)")
    .option("--restart-every <n>", "restart interval in steps (default: only at the end)")
    .option("--workers <n>", "EAM NVE: run one system over n worker threads by spatial domain decomposition")
    // --streitz (Streitz-Mintmire, QEq every step): src/cli/streitz-md.ts
    .action((opts, command: Command) =>
      runCommand(() => (usesStreitz(opts) ? runStreitzMd(opts) : runMd(opts, (name) => command.getOptionValueSource(name) === "cli"))),
    );
  addStreitzOptions(cmd);
}

async function runMd(opts: MdFlags, given: (flag: string) => boolean): Promise<void> {
  if ((opts.potential === undefined) === (opts.model === undefined)) {
    throw new InputError("md needs exactly one of --potential FILE (EAM) or --model FILE (ECT-EAM)");
  }
  // Thermostats, barostats and restarts run on the generic driver (any calculator); plain NVE keeps
  // the wasm loop, which runs whole chunks of steps without leaving wasm.
  const generic = (opts.thermostat !== undefined && opts.thermostat !== "none") || (opts.barostat !== undefined && opts.barostat !== "none") ||
    opts.restart !== undefined || opts.writeRestart !== undefined || (opts.model !== undefined && (opts.dump !== undefined || opts.log !== undefined));
  if (opts.workers !== undefined && (generic || opts.model !== undefined)) {
    throw new InputError("--workers runs plain NVE with an EAM --potential (no --model, thermostat, barostat or restarts)");
  }
  if (generic) return runGenericMd(opts, given);
  checkUnusedFlags(opts, given);
  if (opts.model !== undefined) return runEctMd(opts as MdFlags & { model: string });
  const pot = loadPotential(opts.potential!, opts.style);
  const steps = numberOption("--steps", opts.steps, { integer: true, min: 0 })!;
  const dt = numberOption("--dt", opts.dt, { positive: true })!;
  const temperature = numberOption("--temperature", opts.temperature, { min: 0 })!;
  const seed = numberOption("--seed", opts.seed, { integer: true })!;
  const skin = numberOption("--skin", opts.skin, { min: 0 })!;
  const every = numberOption("--every", opts.every, { integer: true, min: 1 })!;
  const neighEvery = numberOption("--neigh-every", opts.neighEvery, { integer: true, min: 1 })!;
  const neighDelay = numberOption("--neigh-delay", opts.neighDelay, { integer: true, min: 0 })!;
  const thermoEvery = numberOption("--thermo", opts.thermo, { integer: true, min: 1 }) ?? Math.max(1, Math.floor(steps / 10));

  let atoms: Atoms;
  if (opts.input && opts.lattice) throw new InputError("give either --input or --lattice, not both");
  if (opts.input) {
    atoms = readStructureFile(opts.input, speciesOption(opts.species))[0];
  } else if (opts.lattice) {
    const a = numberOption("--a", opts.a, { positive: true });
    if (a === undefined) throw new InputError("--lattice needs --a (lattice constant, A)");
    const repeat = numberOption("--repeat", opts.repeat, { integer: true, min: 1 })!;
    atoms = bulk(opts.element ?? pot.elements[0], opts.lattice as CubicStructure, a, repeat);
  } else {
    throw new InputError("md needs a structure: --input FILE or --lattice fcc --a 3.615 --repeat 10");
  }
  if (!opts.keepVelocities || !atoms.velocities) atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);

  const workers = numberOption("--workers", opts.workers, { integer: true, min: 1 });
  if (workers !== undefined && workers > 1) {
    if (opts.trajectory !== undefined || opts.dump !== undefined || opts.log !== undefined) {
      throw new InputError("--workers prints the thermo table only (no --trajectory, --dump or --log yet)");
    }
    return runDomainMd(opts.potential!, pot, atoms, { workers, steps, dt, skin, neighEvery, neighDelay, thermoEvery, simd: opts.simd !== "off" });
  }
  const engine = await EamEngine.create(pot, { variant: opts.simd === "off" ? "scalar" : "simd", skin });
  engine.setAtoms(atoms, opts.input ?? "lattice");
  const md = new VelocityVerlet(engine, atoms, { dt, neighborEvery: neighEvery, neighborDelay: neighDelay });

  const out = process.stdout;
  out.write(`# ${atoms.length} atoms, ${pot.source} (${pot.style}), ${engine.variant} kernels, dt ${dt} fs, ${steps} steps\n`);
  out.write(thermoHeader() + "\n");
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: "md |{bar}| {percentage}% {value}/{total} steps | {rate} steps/s | ETA {eta_formatted}", stream: process.stderr, clearOnComplete: true, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const t0 = performance.now();
  bar?.start(steps, 0, { rate: "-" });
  const traj = opts.trajectory ? openSync(opts.trajectory, "w") : null;
  const dumpEvery = numberOption("--dump-every", opts.dumpEvery, { integer: true, min: 1 })!;
  const outputs = openOutputs(opts, { periodic: atoms.pbc.some((p) => p), ect: false, charges: false }, false, pot.elements);
  try {
    const summary = md.run(steps, {
      thermoEvery,
      onThermo: (row) => {
        if (bar) {
          bar.stop();
        }
        out.write(thermoLine(row) + "\n");
        outputs.log?.({ ...row, volume: row.pressure === null ? null : atoms.volume(), omega: null, conserved: row.total, totalCharge: null, chargeMin: null, chargeMax: null, solverIterations: null });
        if (bar && row.step < steps) bar.start(steps, row.step, { rate: "-" });
      },
      frameEvery: traj !== null || outputs.dump ? gcdSteps(traj !== null ? every : 0, outputs.dump ? dumpEvery : 0) : 0,
      onFrame: (frame, step) => {
        if (traj !== null && step % every === 0) writeSync(traj, formatExtxyz(frame));
        if (step % dumpEvery === 0) outputs.dump?.(frame, step);
      },
      onProgress: bar
        ? (done) => bar.update(done, { rate: (done / ((performance.now() - t0) / 1000)).toFixed(0) })
        : undefined,
    });
    bar?.stop();
    const stats = engine.neighborStats();
    out.write(
      `# speed: ${summary.usPerAtomStep.toFixed(3)} us/atom-step (${summary.seconds.toFixed(3)} s for ${steps} steps of ${atoms.length} atoms)` +
        `, ${summary.neighborBuilds} neighbor builds, ${stats.dangerous} dangerous\n`,
    );
    if (engine.offTableCount() > 0) {
      process.stderr.write(`warning: ${engine.offTableCount()} atom(s) above the embedding table's rhomax at the end (F continued linearly)\n`);
    }
  } finally {
    if (traj !== null) closeSync(traj);
    outputs.close();
  }
}

/** ECT-EAM dynamics: weights re-solved every step, warm-started; thermo shows E, Omega, total charge, iterations. */
async function runEctMd(opts: MdFlags & { model: string }): Promise<void> {
  const steps = numberOption("--steps", opts.steps, { integer: true, min: 0 })!;
  const dt = numberOption("--dt", opts.dt, { positive: true })!;
  const temperature = numberOption("--temperature", opts.temperature, { min: 0 })!;
  const seed = numberOption("--seed", opts.seed, { integer: true })!;
  const skin = numberOption("--skin", opts.skin, { min: 0 })!;
  const thermoEvery = numberOption("--thermo", opts.thermo, { integer: true, min: 1 }) ?? Math.max(1, Math.floor(steps / 10));
  const every = numberOption("--every", opts.every, { integer: true, min: 1 })!;
  if (!opts.input) throw new InputError("md --model needs --input FILE (extended XYZ or LAMMPS data)");
  const atoms = readStructureFile(opts.input, speciesOption(opts.species))[0];
  if (!opts.keepVelocities || !atoms.velocities) atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);
  const model = readEctModelFile(opts.model);
  const engine = await EctEngine.create(buildEctTables(model), { variant: opts.simd === "off" ? "scalar" : "simd", skin, source: opts.model });
  engine.setAtoms(atoms, opts.input);
  engine.compute();
  const out = process.stdout;
  out.write(`# ${atoms.length} atoms, ECT-EAM model ${model.name ?? opts.model}, dt ${dt} fs, ${steps} steps; Omega + kinetic is conserved\n`);
  const cols = ["Step", "Temp(K)", "E(eV)", "Omega(eV)", "KinEng(eV)", "Omega+KE(eV)", "TotCharge(e)", "Iters"];
  out.write(cols.map((c, i) => c.padStart(i === 0 ? 8 : 15)).join(" ") + "\n");
  const traj = opts.trajectory ? openSync(opts.trajectory, "w") : null;
  let iterations = 0;
  const line = (step: number, iters: number) => {
    const ke = engine.kineticEnergy();
    const q = engine.charges().reduce((a, b) => a + b, 0);
    out.write(
      [String(step).padStart(8), temperatureOf(ke, atoms.length).toFixed(3).padStart(15), engine.energy().toFixed(6).padStart(15),
        engine.grandPotential().toFixed(6).padStart(15), ke.toFixed(6).padStart(15), (engine.grandPotential() + ke).toFixed(6).padStart(15),
        q.toExponential(3).padStart(15), String(iters).padStart(15)].join(" ") + "\n",
    );
  };
  line(0, engine.solverReport().iterations);
  const t0 = performance.now();
  try {
    engine.runVerlet(steps, dt, (step) => {
      iterations += engine.solverReport().iterations;
      if (step % thermoEvery === 0 || step === steps) line(step, engine.solverReport().iterations);
      if (traj !== null && step % every === 0) {
        const frame = atoms.copy();
        frame.positions = engine.positions();
        frame.velocities = engine.velocities();
        frame.info = { energy: engine.energy(), omega: engine.grandPotential(), step };
        frame.arrays = { charges: { kind: "R", ncols: 1, data: engine.charges() }, forces: { kind: "R", ncols: 3, data: engine.forces() } };
        writeSync(traj, formatExtxyz(frame));
      }
    });
  } finally {
    if (traj !== null) closeSync(traj);
  }
  const seconds = (performance.now() - t0) / 1000;
  out.write(
    `# speed: ${((seconds * 1e6) / Math.max(1, steps * atoms.length)).toFixed(3)} us/atom-step, ` +
      `${(iterations / Math.max(1, steps)).toFixed(2)} solver iterations per step on average\n`,
  );
}
