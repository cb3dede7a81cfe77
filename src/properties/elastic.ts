import type { Atoms } from "../atoms.js";
import type { Calculator } from "../calculators/protocol.js";
import { CalculationFailed, InputError } from "../errors.js";
import { drain, relaxSteps, type RelaxOptions } from "../optimize/index.js";
import { rowsTimesTranspose } from "../optimize/mat3.js";
import { EV_PER_A3_IN_GPA } from "./units.js";

/** Options of {@link elasticConstants}. */
export interface ElasticOptions {
  /** Strain of each finite difference, +- (default 0.005; engineering strain for shears). */
  strain?: number;
  /**
   * Relax atomic positions in each strained cell (default true): the relaxed-ion constants, needed
   * when the basis has free internal coordinates; a no-op (zero forces) for fcc and bcc.
   */
  relax?: boolean;
  /** Optimizer settings of those relaxations (default FIRE, fmax 1e-5 eV/A). */
  relaxOptions?: RelaxOptions;
  /** Called after each of the 13 stress evaluations with the count done and 13 (progress bars). */
  onProgress?: (done: number, total: number) => void;
}

/** Elastic constants from finite strain. */
export interface ElasticResult {
  /** C_ij, Voigt order xx yy zz yz xz xy, GPa, as computed (row i: stress component, column j: strain). */
  raw: number[][];
  /** (C + C^T)/2, GPa. */
  c: number[][];
  /** Cubic averages over the equivalent entries, GPa, and the bulk modulus B = (C11 + 2 C12)/3. */
  cubic: { c11: number; c12: number; c44: number; bulkModulus: number };
  /** Stress of the unstrained structure, eV/A^3 (Voigt): should be ~0, see the note in the doc. */
  stress0: number[];
  /** The strain used. */
  strain: number;
}

/**
 * Elastic constants C_ij (GPa) by central differences of the stress: for each Voigt strain j the
 * cell and positions are deformed by I + eps (eps symmetric; a shear component gets eps/2 in each
 * off-diagonal slot, i.e. engineering strain), positions optionally relaxed, and
 * C_ij = [sigma_i(+eps_j) - sigma_i(-eps_j)] / (2 eps). The error is O(eps^2) from the third-order
 * constants. Stress is the calculator's (ASE sign, tension positive); the derivative of the Cauchy
 * stress equals the elastic constants only at zero stress, so relax the cell first.
 */
export function elasticConstants(calculator: Calculator, atoms: Atoms, opts: ElasticOptions = {}): ElasticResult {
  return drain(elasticConstantsSteps(calculator, atoms, opts));
}

/** {@link elasticConstants} one relaxation step (or strain) at a time (a generator for `drain` / `drainAsync`). */
export function* elasticConstantsSteps(calculator: Calculator, atoms: Atoms, opts: ElasticOptions = {}): Generator<void, ElasticResult> {
  const strain = opts.strain ?? 0.005;
  if (!(strain > 0 && strain < 0.1)) throw new InputError(`strain must be in (0, 0.1), got ${strain}`);
  if (!atoms.pbc.every((p) => p)) throw new InputError("elastic constants need a structure periodic in all three directions");
  let done = 0;
  const stressOf = function* (a: Atoms): Generator<void, Float64Array> {
    if (opts.relax ?? true) yield* relaxSteps(a, calculator, { fmax: 1e-5, steps: 2000, ...opts.relaxOptions });
    else yield;
    const s = calculator.calculate(a).stress;
    if (!s) throw new CalculationFailed("the calculator returned no stress");
    opts.onProgress?.(++done, 13);
    return s;
  };
  const stress0 = Array.from(yield* stressOf(atoms.copy()));
  // Voigt j -> (row, column) of the symmetric strain tensor.
  const slots: [number, number][] = [[0, 0], [1, 1], [2, 2], [1, 2], [0, 2], [0, 1]];
  const raw = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  for (let j = 0; j < 6; j++) {
    const sig: Float64Array[] = [];
    for (const sign of [1, -1]) {
      const e = sign * strain;
      const d = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
      const [p, q] = slots[j];
      if (p === q) d[3 * p + q] += e;
      else {
        d[3 * p + q] += e / 2;
        d[3 * q + p] += e / 2;
      }
      const a = atoms.copy();
      a.cell = rowsTimesTranspose(atoms.cell, d);
      a.positions = rowsTimesTranspose(atoms.positions, d);
      sig.push(yield* stressOf(a));
    }
    for (let i = 0; i < 6; i++) raw[i][j] = ((sig[0][i] - sig[1][i]) / (2 * strain)) * EV_PER_A3_IN_GPA;
  }
  const c = raw.map((row, i) => row.map((x, j) => (x + raw[j][i]) / 2));
  const c11 = (c[0][0] + c[1][1] + c[2][2]) / 3;
  const c12 = (c[0][1] + c[0][2] + c[1][2]) / 3;
  const c44 = (c[3][3] + c[4][4] + c[5][5]) / 3;
  return { raw, c, cubic: { c11, c12, c44, bulkModulus: (c11 + 2 * c12) / 3 }, stress0, strain };
}
