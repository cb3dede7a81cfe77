import type { Atoms } from "../atoms.js";
import { forceEnergy, type Calculator, type CalculatorResults } from "../calculators/protocol.js";
import { CalculationFailed, InputError } from "../errors.js";
import type { Evaluation, Optimizable } from "./types.js";
import { maxRowNorm } from "./types.js";

/** Options shared by the position objective and the cell filter. */
export interface ConstraintOptions {
  /**
   * Indices of atoms that do not move (ASE's FixAtoms), 0-based. Their forces are reported as zero
   * and excluded from fmax; under a cell filter they still follow the homogeneous cell deformation.
   */
  fixed?: readonly number[];
}

/** Checks fixed-atom indices and returns them as a per-atom mask. */
export function fixedMask(n: number, fixed: readonly number[] | undefined): Uint8Array {
  const mask = new Uint8Array(n);
  for (const i of fixed ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InputError(`fixed atom index ${String(i)} is out of range (structure has ${n} atoms, indices 0..${n - 1})`);
    }
    mask[i] = 1;
  }
  return mask;
}

/** Throws when a calculator returned something an optimizer must not walk into. */
export function checkResults(r: CalculatorResults, n: number): void {
  const e = forceEnergy(r);
  if (!Number.isFinite(e)) throw new CalculationFailed(`the calculator returned a non-finite energy (${e}) during the relaxation`);
  if (r.forces.length !== 3 * n) throw new CalculationFailed(`the calculator returned ${r.forces.length / 3} forces for ${n} atoms`);
  for (let i = 0; i < r.forces.length; i++) {
    if (!Number.isFinite(r.forces[i])) {
      throw new CalculationFailed(`atom ${Math.floor(i / 3)}: non-finite force during the relaxation`);
    }
  }
}

/**
 * Atomic positions as degrees of freedom (A), the objective being `forceEnergy` of the calculator
 * (eV: Omega for ECT-EAM, E otherwise). The optimizer moves `atoms.positions` in place; the cell
 * stays fixed. `lastResults` holds the calculator's answer at the latest evaluation.
 */
export class PositionObjective implements Optimizable {
  readonly rows: number;
  readonly hasCell = false;
  readonly atoms: Atoms;
  readonly calculator: Calculator;
  lastResults: CalculatorResults | null = null;
  private readonly fixed: Uint8Array;

  constructor(atoms: Atoms, calculator: Calculator, opts: ConstraintOptions = {}) {
    this.atoms = atoms;
    this.calculator = calculator;
    this.rows = atoms.length;
    this.fixed = fixedMask(atoms.length, opts.fixed);
  }

  getX(): Float64Array {
    return this.atoms.positions.slice();
  }

  setX(x: Float64Array): void {
    const p = this.atoms.positions;
    // Fixed atoms keep their coordinates exactly, whatever rounding the optimizer's algebra does.
    for (let i = 0; i < this.rows; i++) {
      if (this.fixed[i]) continue;
      p[3 * i] = x[3 * i];
      p[3 * i + 1] = x[3 * i + 1];
      p[3 * i + 2] = x[3 * i + 2];
    }
  }

  evaluate(): Evaluation {
    const r = this.calculator.calculate(this.atoms);
    checkResults(r, this.rows);
    this.lastResults = r;
    const f = r.forces.slice();
    for (let i = 0; i < this.rows; i++) if (this.fixed[i]) f[3 * i] = f[3 * i + 1] = f[3 * i + 2] = 0;
    return { energy: forceEnergy(r), forces: f, fmax: maxRowNorm(f), stressResidual: 0 };
  }
}
