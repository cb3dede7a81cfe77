/**
 * `ect-eam md --potential AlO.eam.alloy --streitz AlO.streitz --summation wolf|ewald ...`: NVE
 * dynamics of the Streitz-Mintmire model with a QEq every step (LAMMPS fix qeq/slater 1, warm-started
 * by its extrapolation of the last solutions). Thermo: temperature, potential/kinetic/total energy,
 * charge range, QEq CG loops; at the end the total-energy drift and the speed.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Atoms } from "../atoms.js";
import { EV_PER_A3_TO_BAR } from "../dynamics/md.js";
import { maxwellBoltzmann, temperatureOf } from "../dynamics/velocities.js";
import { InputError } from "../errors.js";
import { formatExtxyz } from "../io/extxyz.js";
import { readStructureFile } from "../io/structure-file.js";
import { StreitzCalculator } from "../streitz/calculator.js";
import { readStreitzFile } from "../streitz/params-file.js";
import { loadPotential, numberOption, speciesOption } from "./common.js";
import { streitzSettings, type StreitzEvalOptions } from "./streitz.js";

/** The md flags this command reads (commander names). */
export interface StreitzMdFlags extends Omit<StreitzEvalOptions, "input" | "output"> {
  input?: string;
  lattice?: string;
  steps: string;
  dt: string;
  temperature: string;
  seed: string;
  keepVelocities?: boolean;
  skin: string;
  neighEvery: string;
  neighDelay: string;
  thermo?: string;
  trajectory?: string;
  every: string;
}

/** Runs the MD and writes the thermo table to stdout. */
export async function runStreitzMd(opts: StreitzMdFlags): Promise<void> {
  const settings = streitzSettings({ ...opts, input: opts.input ?? "", output: "" });
  if (opts.lattice !== undefined) throw new InputError("md --streitz needs --input FILE (extended XYZ or LAMMPS data); --lattice builds single-element crystals");
  if (!opts.input) throw new InputError("md --streitz needs --input FILE (extended XYZ or LAMMPS data, e.g. bench/streitz/data.streitz with --species Al,O)");
  const steps = numberOption("--steps", opts.steps, { integer: true, min: 0 })!;
  const dt = numberOption("--dt", opts.dt, { positive: true })!;
  const temperature = numberOption("--temperature", opts.temperature, { min: 0 })!;
  const seed = numberOption("--seed", opts.seed, { integer: true })!;
  const skin = numberOption("--skin", opts.skin, { min: 0 })!;
  const every = numberOption("--every", opts.every, { integer: true, min: 1 })!;
  const neighEvery = numberOption("--neigh-every", opts.neighEvery, { integer: true, min: 1 })!;
  const neighDelay = numberOption("--neigh-delay", opts.neighDelay, { integer: true, min: 0 })!;
  const thermoEvery = numberOption("--thermo", opts.thermo, { integer: true, min: 1 }) ?? Math.max(1, Math.floor(steps / 10));

  const eam = loadPotential(opts.potential as string, opts.style);
  const params = readStreitzFile(opts.streitz as string);
  const atoms: Atoms = readStructureFile(opts.input, speciesOption(opts.species))[0];
  // LAMMPS' pair_coeff for eam/alloy sets the per-type masses from the potential file (AlO.eam.alloy:
  // O 16.01 amu); the same here, so trajectories match LAMMPS runs of the same input.
  atoms.masses = Float64Array.from(atoms.symbols, (s) => {
    const k = eam.elements.indexOf(s);
    return k >= 0 ? eam.masses[k] : atoms.masses[atoms.symbols.indexOf(s)];
  });
  if (!opts.keepVelocities || !atoms.velocities) atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);
  const calc = await StreitzCalculator.create({ ...settings, eam, streitz: params, engine: { ...settings.engine, skin } });
  calc.onWarning = (m) => process.stderr.write(`warning: ${m}\n`);
  const first = calc.calculate(atoms, opts.input); // charges, and the Ewald g and kmax (kept for the run)
  const eng = calc.engine;
  const n = atoms.length;
  const volume = atoms.pbc.every((p) => p) ? atoms.volume() : 0;

  const out = process.stdout;
  const ew = first.ewald ? `, Ewald g ${first.ewald.g.toPrecision(6)} 1/A kmax ${first.ewald.kmax.join(" ")} (${first.ewald.kcount} k-vectors)` : `, Wolf alpha ${calc.settings.wolfAlpha} 1/A`;
  out.write(
    `# ${n} atoms, Streitz-Mintmire (${calc.mode} mode) ${eam.source} + ${params.source}, ${calc.summation}${ew}, ` +
      `QEq every step to ${calc.settings.qeqTolerance.toExponential()}, dt ${dt} fs, ${steps} steps, ${eng.variant} kernels\n`,
  );
  const cols = ["Step", "Temp(K)", "PotEng(eV)", "KinEng(eV)", "TotEng(eV)", "Press(bar)", "qMin(e)", "qMax(e)", "QEqLoops"];
  out.write(cols.map((c, i) => c.padStart(i === 0 ? 8 : 15)).join(" ") + "\n");
  let solves = eng.qeqReport().solves;
  let loops = eng.qeqReport().loopSum;
  const line = (step: number) => {
    const ke = eng.kineticEnergy();
    const pe = eng.energy();
    const w = eng.virial();
    const press = volume > 0 ? (((2 * ke) / 3 + (w[0] + w[4] + w[8]) / 3) / volume) * EV_PER_A3_TO_BAR : NaN;
    const q = eng.charges();
    let qmin = Infinity;
    let qmax = -Infinity;
    for (const v of q) {
      qmin = Math.min(qmin, v);
      qmax = Math.max(qmax, v);
    }
    const r = eng.qeqReport();
    const perSolve = r.solves > solves ? (r.loopSum - loops) / (r.solves - solves) : r.loopsS + r.loopsT;
    solves = r.solves;
    loops = r.loopSum;
    out.write(
      [String(step).padStart(8), temperatureOf(ke, n).toFixed(3).padStart(15), pe.toFixed(6).padStart(15), ke.toFixed(6).padStart(15),
        (pe + ke).toFixed(6).padStart(15), (Number.isNaN(press) ? "-" : press.toFixed(2)).padStart(15), qmin.toFixed(6).padStart(15),
        qmax.toFixed(6).padStart(15), perSolve.toFixed(1).padStart(15)].join(" ") + "\n",
    );
    return pe + ke;
  };
  const traj = opts.trajectory ? openSync(opts.trajectory, "w") : null;
  const frame = (step: number) => {
    if (traj === null) return;
    const a = atoms.copy();
    a.positions = eng.positions();
    a.velocities = eng.velocities();
    a.info = { energy: eng.energy(), step, time: step * dt };
    a.arrays = { charges: { kind: "R", ncols: 1, data: eng.charges() }, forces: { kind: "R", ncols: 3, data: eng.forces() } };
    writeSync(traj, formatExtxyz(a));
  };
  const e0 = line(0);
  frame(0);
  const startSolves = eng.qeqReport().solves;
  const startLoops = eng.qeqReport().loopSum;
  const t0 = performance.now();
  let e1 = e0;
  try {
    for (let step = 0; step < steps; ) {
      let next = Math.min(steps, (Math.floor(step / thermoEvery) + 1) * thermoEvery);
      if (traj !== null) next = Math.min(next, (Math.floor(step / every) + 1) * every);
      eng.runVerlet(next - step, dt, { every: neighEvery, delay: neighDelay });
      step = next;
      if (step % thermoEvery === 0 || step === steps) e1 = line(step);
      if (step % every === 0) frame(step);
    }
  } finally {
    if (traj !== null) closeSync(traj);
  }
  const seconds = (performance.now() - t0) / 1000;
  const r = eng.qeqReport();
  out.write(
    `# drift: ${((e1 - e0) / n).toExponential(3)} eV/atom in total energy over ${steps} steps (${(e1 - e0).toExponential(3)} eV)` +
      (calc.mode === "lammps" ? "; lammps mode forces are not the gradient of its energy: use --streitz-mode consistent for NVE conservation" : "") +
      "\n",
  );
  out.write(
    `# speed: ${((seconds * 1e6) / Math.max(1, steps * n)).toFixed(3)} us/atom-step (${seconds.toFixed(3)} s), ` +
      `${((r.loopSum - startLoops) / Math.max(1, r.solves - startSolves)).toFixed(1)} CG loops (s + t) per QEq, ` +
      `${eng.neighborStats().builds} neighbor builds\n`,
  );
  if (r.failures > 0) process.stderr.write(`warning: ${r.failures} QEq solve(s) stopped at --qeq-maxiter above the tolerance\n`);
}
