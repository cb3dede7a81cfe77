// NVE runs of the Streitz-Mintmire engine on the rattled Al2O3 fixture (600 K, seed 7) with a tapered
// AlO.eam.alloy (so that the EAM file's cutoff jumps do not dominate the energy error): the runs of
// test/xl.test.ts and test/verify/streitz-nve.test.ts.
import { join } from "node:path";
import type { Atoms } from "../../src/atoms.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { readExtxyzFile } from "../../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../../src/potentials/eam-file.js";
import { StreitzCalculator, type StreitzCalculatorOptions } from "../../src/streitz/calculator.js";
import { readStreitzFile } from "../../src/streitz/params-file.js";
import type { XlOrder } from "../../src/xl/index.js";
import { FIX, POT } from "./streitz-fixtures.js";
import { taperedEam } from "./tapered-eam.js";

export const smooth = taperedEam(readEamPotentialFile(join(POT, "AlO.eam.alloy")), 6.5);
export const streitz = readStreitzFile(join(POT, "AlO.streitz"));

/** The rattled 2x1x1 Al2O3 fixture with Maxwell-Boltzmann velocities of 600 K (seed 7). */
export function rattledAlO(): Atoms {
  const start = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
  start.velocities = maxwellBoltzmann(start.masses, 600, 7);
  return start;
}

/** Extended-Lagrangian charge settings (`engine.qeqXl`), or null for a solve every step. */
export type Xl = { order?: XlOrder; loops?: number; shadow?: boolean } | null;

/** An engine (Wolf summation, `settings` beside the potentials) evaluated at `start`, with `xl` set. */
export async function streitzEngine(start: Atoms, xl: Xl, settings: Omit<StreitzCalculatorOptions, "eam" | "streitz" | "summation">) {
  const calc = await StreitzCalculator.create({ eam: smooth, streitz, summation: "wolf", ...settings });
  calc.calculate(start);
  const e = calc.engine;
  e.qeqXl = xl;
  return e;
}

/**
 * `fs` femtoseconds of NVE at step `dt` from `start`, the total energy sampled every 1.6 fs: the
 * largest |E_tot - E_tot(0)| per atom, the trace, the end's drift per atom, and the end state.
 */
export async function nveRun(start: Atoms, xl: Xl, dt: number, settings: Omit<StreitzCalculatorOptions, "eam" | "streitz" | "summation">, fs = 40) {
  const e = await streitzEngine(start, xl, settings);
  const n = start.length;
  const e0 = e.energy() + e.kineticEnergy();
  const every = Math.round(1.6 / dt);
  let max = 0;
  const trace: number[] = [];
  for (let s = 0; s < Math.round(fs / dt); s += every) {
    e.runVerlet(every, dt);
    trace.push((e.energy() + e.kineticEnergy() - e0) / n);
    max = Math.max(max, Math.abs(e.energy() + e.kineticEnergy() - e0));
  }
  const end = (e.energy() + e.kineticEnergy() - e0) / n;
  return { e, max: max / n, end, trace, energy: e.energy() / n, forces: e.forces(), charges: e.charges(), positions: e.positions() };
}

/** The settings of the XL runs: consistent mode, QEq solved to `tolerance` (at most 1000 loops). */
export const consistent = (tolerance = 1e-10) => ({ mode: "consistent" as const, qeqTolerance: tolerance, qeqMaxIter: 1000 });
