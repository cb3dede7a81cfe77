import { forceEnergy, type Calculator } from "../calculators/protocol.js";
import { CalculationFailed } from "../errors.js";
import { lbfgsSteps } from "../optimize/lbfgs.js";
import { drain } from "../optimize/loop.js";
import { CellFilter } from "../optimize/cell-filter.js";
import { crystal, type CrystalStructure } from "../structures/lattice.js";
import { cohesiveEnergy } from "./eos.js";
import { EV_PER_A3_IN_GPA } from "./units.js";

/** Equilibrium of a cubic crystal under a hydrostatic pressure. */
export interface LatticeResult {
  /** Equilibrium cubic lattice constant, A. */
  a0: number;
  /** Energy per atom at a0, eV (`forceEnergy`). */
  energyPerAtom: number;
  /** Cohesive energy per atom, eV (isolated atoms minus crystal; positive when bound). */
  cohesiveEnergy: number;
  /** Remaining pressure at a0, GPa (what the relaxation left, below `smax`). */
  pressureGPa: number;
  /** Cell-relaxation steps. */
  steps: number;
}

/**
 * Lattice constant and cohesive energy of a cubic crystal (fcc, bcc, sc, diamond of `symbol`, or
 * rocksalt of `symbol` = [cation, anion]; one conventional cell), by isotropic cell relaxation
 * (L-BFGS on the cell filter, hydrostatic strain only) from the guess `a` (A) to the target pressure
 * (eV/A^3, default 0) with stress residual below `smax` (eV/A^3, default 1e-7, i.e. 16 kPa).
 * Energies are per atom (a rocksalt formula unit is two atoms). `onStep` sees every L-BFGS step.
 */
export function latticeConstant(
  calculator: Calculator,
  symbol: string | readonly string[],
  structure: CrystalStructure,
  a: number,
  opts: LatticeOptions = {},
): LatticeResult {
  return drain(latticeSteps(calculator, symbol, structure, a, opts));
}

/** Options of {@link latticeConstant}: target pressure (eV/A^3), stress residual (eV/A^3), step limit, a callback per L-BFGS step. */
export interface LatticeOptions {
  pressure?: number;
  smax?: number;
  steps?: number;
  onStep?: (step: number, limit: number) => void;
}

/** {@link latticeConstant} one L-BFGS step at a time (a generator for `drain` / `drainAsync`). */
export function* latticeSteps(
  calculator: Calculator,
  symbol: string | readonly string[],
  structure: CrystalStructure,
  a: number,
  opts: LatticeOptions = {},
): Generator<void, LatticeResult> {
  const atoms = crystal(typeof symbol === "string" ? [symbol] : symbol, structure, a, 1);
  const filter = new CellFilter(atoms, calculator, { hydrostatic: true, pressure: opts.pressure ?? 0 });
  const limit = opts.steps ?? 200;
  const r = yield* lbfgsSteps(filter, { fmax: 1e-4, smax: opts.smax ?? 1e-7, steps: limit, callback: opts.onStep ? (s) => opts.onStep!(s.step, limit) : undefined });
  if (!r.converged) throw new CalculationFailed(`the lattice relaxation did not converge in ${r.steps} steps (stress residual ${r.stressResidual} eV/A^3)`);
  const res = filter.lastResults!;
  const a0 = Math.cbrt(atoms.volume());
  const e = forceEnergy(res);
  const p = -(res.stress![0] + res.stress![1] + res.stress![2]) / 3;
  return {
    a0,
    energyPerAtom: e / atoms.length,
    cohesiveEnergy: cohesiveEnergy(calculator, atoms.symbols, e),
    pressureGPa: p * EV_PER_A3_IN_GPA,
    steps: r.steps,
  };
}
