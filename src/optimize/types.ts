/**
 * What the optimizers move and what they report. An {@link Optimizable} is a set of "rows" of three
 * degrees of freedom (atoms, plus three cell rows under a cell filter) with an energy whose negative
 * gradient are the generalized forces: the same picture as ASE's optimizers, where a filter makes
 * the cell look like three extra atoms.
 */

/** One evaluation of an {@link Optimizable} at its current degrees of freedom. */
export interface Evaluation {
  /**
   * The objective, eV: the energy whose negative gradient `forces` is (Omega for ECT-EAM, E for
   * EAM; plus p V and the stress work under a cell filter).
   */
  energy: number;
  /** Generalized forces, rows x 3 (eV/A on atoms; eV per unit of the cell degrees of freedom). */
  forces: Float64Array;
  /** Largest force on a free atom, eV/A (the quantity ASE compares with fmax). */
  fmax: number;
  /** Largest component of the stress residual, eV/A^3 (cell filters only; 0 otherwise). */
  stressResidual: number;
}

/** Degrees of freedom an optimizer can move (ASE's `Optimizable`). */
export interface Optimizable {
  /** Number of rows of three degrees of freedom. */
  readonly rows: number;
  /** Current degrees of freedom, rows x 3 (a copy). */
  getX(): Float64Array;
  /** Moves to new degrees of freedom (rows x 3); the next `evaluate` is at this point. */
  setX(x: Float64Array): void;
  /** Energy and generalized forces at the current point. */
  evaluate(): Evaluation;
  /** True when the optimizer should look at the stress residual as well as at forces. */
  readonly hasCell: boolean;
}

/** Progress report after each evaluation (step 0 is the starting point). */
export interface StepInfo {
  step: number;
  /** Objective, eV. */
  energy: number;
  /** Largest atomic force, eV/A. */
  fmax: number;
  /** Largest stress-residual component, eV/A^3 (0 without a cell filter). */
  stressResidual: number;
  /** Force evaluations so far (line searches may use several per step). */
  evaluations: number;
}

/** Stopping rules shared by FIRE and L-BFGS. */
export interface RunOptions {
  /** Converged when every free atom's force is below this, eV/A (ASE default 0.05). */
  fmax?: number;
  /**
   * Cell filters: converged when also every stress-residual component is below this, eV/A^3
   * (default 1e-5 eV/A^3 = 1.6 MPa = 16 bar).
   */
  smax?: number;
  /** Step limit (default 1000). The result says whether the run converged. */
  steps?: number;
  /** Called after every evaluation that ends a step; return `false` to stop early. */
  callback?: (info: StepInfo) => void | boolean;
}

/** Outcome of an optimization run. */
export interface OptimizeResult {
  converged: boolean;
  /** Steps taken (evaluations that ended a step, after the starting point). */
  steps: number;
  /** Force evaluations, the starting point included. */
  evaluations: number;
  /** Objective at the end, eV. */
  energy: number;
  /** Largest atomic force at the end, eV/A. */
  fmax: number;
  /** Largest stress-residual component at the end, eV/A^3 (0 without a cell filter). */
  stressResidual: number;
}

/** Defaults of {@link RunOptions}. */
export const RUN_DEFAULTS = { fmax: 0.05, smax: 1e-5, steps: 1000 } as const;

/** Largest Euclidean norm over rows of three, restricted to rows [from, to). */
export function maxRowNorm(v: ArrayLike<number>, from = 0, to = v.length / 3): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const x = v[3 * i], y = v[3 * i + 1], z = v[3 * i + 2];
    const n = x * x + y * y + z * z;
    if (n > m) m = n;
  }
  return Math.sqrt(m);
}

/** Dot product of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
