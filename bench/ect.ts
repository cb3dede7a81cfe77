// ECT-EAM benchmark: MD of periodic rocksalt NaCl (starter model, damped-shifted-force long range)
// at 4,096 and 32,768 atoms next to plain EAM (Cu_u3, fcc) of about the same size, with the average
// weight-solver iterations per step, and LAMMPS' Streitz-Mintmire example (Al2O3, 2,160 atoms,
// eam/alloy + coul/streitz Wolf + fix qeq/slater every step) when `lmp` is installed.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { EctEngine } from "../src/ect/engine.js";
import { EamEngine } from "../src/engine/engine.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { bulk, rocksalt } from "../src/structures/lattice.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { parseLammpsLog } from "./lammps.js";

const A_NACL = 5.64;

interface EctSample {
  atoms: number;
  usPerAtomStep: number;
  iterationsPerStep: number;
  coldSeconds: number;
  omegaDriftPerAtom: number;
}

async function ectMd(repeat: number, steps: number): Promise<EctSample> {
  const base = readEctModelFile("models/ect-starter.json");
  const model = { ...base, electrostatics: { ...base.electrostatics, longRange: "dsf" as const, cutoff: 9, dsfAlpha: 0.25 } };
  const engine = await EctEngine.create(buildEctTables(model), { source: "ect-starter (dsf)" });
  engine.solver.annealFrom = model.electronicTemperature; // the ionic start finds rocksalt's ground state
  const atoms = rocksalt("Na", "Cl", A_NACL, repeat);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
  engine.setAtoms(atoms);
  const c0 = performance.now();
  engine.compute();
  const coldSeconds = (performance.now() - c0) / 1000;
  const start = engine.grandPotential() + engine.kineticEnergy();
  const t0 = performance.now();
  const { iterations } = engine.runVerlet(steps, 1.0);
  const ms = performance.now() - t0;
  return {
    atoms: atoms.length,
    usPerAtomStep: (ms * 1000) / (steps * atoms.length),
    iterationsPerStep: iterations / steps,
    coldSeconds,
    // eV per atom per ps of simulated time (dt = 1 fs)
    omegaDriftPerAtom: ((engine.grandPotential() + engine.kineticEnergy() - start) / atoms.length) * (1000 / steps),
  };
}

async function eamMd(atomsWanted: number, steps: number): Promise<{ atoms: number; usPerAtomStep: number }> {
  const repeat = Math.round(Math.cbrt(atomsWanted / 4));
  const atoms = bulk("Cu", "fcc", 3.615, repeat);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
  const engine = await EamEngine.create(readEamPotentialFile("potentials/Cu_u3.eam"));
  engine.setAtoms(atoms);
  engine.runVerlet(5, 1.0);
  const t0 = performance.now();
  engine.runVerlet(steps, 1.0);
  return { atoms: atoms.length, usPerAtomStep: ((performance.now() - t0) * 1000) / (steps * atoms.length) };
}

/** LAMMPS examples/streitz (Wolf) with its own settings, run serially; microseconds per atom-step. */
function lammpsStreitz(lmp: string, steps: number): { atoms: number; usPerAtomStep: number } | null {
  const src = "/usr/share/lammps/examples/streitz";
  if (!existsSync(join(src, "in.streitz.wolf"))) return null;
  const dir = mkdtempSync(join(tmpdir(), "ect-bench-streitz-"));
  try {
    for (const f of ["data.streitz", "AlO.eam.alloy", "AlO.streitz"]) copyFileSync(join(src, f), join(dir, f));
    const input = readFileSync(join(src, "in.streitz.wolf"), "utf8").replace(/^run\s+\d+/m, `run ${steps}`);
    writeFileSync(join(dir, "in.bench"), input);
    const r = spawnSync(lmp, ["-in", "in.bench", "-log", "log.bench", "-screen", "none"], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: "1" }, encoding: "utf8" });
    if (r.status !== 0) return null;
    const log = parseLammpsLog(readFileSync(join(dir, "log.bench"), "utf8"));
    return { atoms: log.atoms, usPerAtomStep: (log.loopSeconds * 1e6) / (log.atoms * log.steps) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the ECT-EAM section of the benchmark and prints a table. */
export async function benchEct(opts: { quick: boolean; lmp: string | null }): Promise<void> {
  const repeats = opts.quick ? [8] : [8, 16];
  console.log(`\n## ECT-EAM MD: rocksalt NaCl, starter model with DSF long range (cutoff 9 A, alpha 0.25), dt 1 fs, 300 K`);
  console.log(`| system | atoms | us/atom-step | solver iterations/step | ratio to EAM | notes |`);
  console.log(`|---|---:|---:|---:|---:|---|`);
  for (const repeat of repeats) {
    const steps = repeat > 8 ? 3 : 20;
    const ect = await ectMd(repeat, steps);
    const eam = await eamMd(ect.atoms, 50);
    console.log(`| ECT-EAM NaCl | ${ect.atoms} | ${ect.usPerAtomStep.toFixed(2)} | ${ect.iterationsPerStep.toFixed(2)} | ${(ect.usPerAtomStep / eam.usPerAtomStep).toFixed(1)} | ${steps} steps; cold start ${ect.coldSeconds.toFixed(1)} s; Omega+KE drift ${ect.omegaDriftPerAtom.toExponential(1)} eV/atom/ps |`);
    console.log(`| EAM Cu_u3 fcc | ${eam.atoms} | ${eam.usPerAtomStep.toFixed(3)} | - | 1.0 | 50 steps |`);
  }
  if (opts.lmp) {
    const lammps = lammpsStreitz(opts.lmp, 20);
    if (lammps) console.log(`| LAMMPS Streitz-Mintmire (examples/streitz, Wolf, qeq/slater every step, tol 1e-6) | ${lammps.atoms} | ${lammps.usPerAtomStep.toFixed(2)} | - | - | 20 steps, LAMMPS' own settings |`);
    else console.log(`| LAMMPS Streitz-Mintmire | - | - | - | - | examples/streitz not found or failed |`);
  }
}
