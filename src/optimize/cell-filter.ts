import type { Atoms } from "../atoms.js";
import { forceEnergy, type Calculator, type CalculatorResults } from "../calculators/protocol.js";
import { InputError } from "../errors.js";
import { checkResults, fixedMask, type ConstraintOptions } from "./positions.js";
import { ddot3, det3, eye3, inv3, mul3, rowsTimesTranspose, transpose3, voigtToMatrix } from "./mat3.js";
import type { Evaluation, Optimizable } from "./types.js";
import { maxRowNorm } from "./types.js";

/** Target stress and cell constraints of a {@link CellFilter}. */
export interface CellFilterOptions extends ConstraintOptions {
  /**
   * Hydrostatic target pressure, eV/A^3 (positive compresses; 1 eV/A^3 = 1.6021766e6 bar).
   * Default 0. Not together with `stress`.
   */
  pressure?: number;
  /**
   * Full target stress, eV/A^3, Voigt xx yy zz yz xz xy with ASE's sign (tension positive, so a
   * pressure p is (-p, -p, -p, 0, 0, 0)). Not together with `pressure`.
   */
  stress?: ArrayLike<number>;
  /** Voigt mask (xx yy zz yz xz xy): false freezes that strain component (ASE's mask). */
  mask?: readonly boolean[];
  /** Keep the volume fixed (shape relaxation only). */
  constantVolume?: boolean;
  /** Isotropic scaling of the cell only (one cell degree of freedom). */
  hydrostatic?: boolean;
  /**
   * Scale of the cell degrees of freedom (default: the number of atoms, as ASE): the optimizer sees
   * cellFactor * F, so maxstep and the force criterion treat the cell like one more atom.
   */
  cellFactor?: number;
}

/**
 * Cell and positions relaxed together (ASE's UnitCellFilter with the exact gradient, in the spirit
 * of FrechetCellFilter). Degrees of freedom: the atoms' positions in the undeformed reference cell,
 * u_i = F^-1 r_i, and the deformation gradient F times `cellFactor` (three extra rows), where the
 * cell is cell0 F^T. The generalized force on F is
 *
 *   -dH/dF = -V (sigma - sigma_t) F^-T
 *
 * (sigma: the calculator's stress, sigma_t: the target, eV/A^3), so a stationary point has exactly
 * the target Cauchy stress. For a hydrostatic target this is the gradient of the enthalpy
 * H = Omega + p V (eV), the objective reported; the deviatoric part tau of a full target adds
 * -V0 tau:(F - I), which is its work to first order in the cell strain (the forces stay exact; an
 * L-BFGS line search then sees an objective that is consistent to that order). The optimizer changes
 * `atoms` in place.
 */
export class CellFilter implements Optimizable {
  readonly rows: number;
  readonly hasCell = true;
  readonly atoms: Atoms;
  readonly calculator: Calculator;
  readonly cellFactor: number;
  /** Calculator results at the latest evaluation. */
  lastResults: CalculatorResults | null = null;
  private readonly n: number;
  private readonly cell0: Float64Array;
  private readonly volume0: number;
  private readonly pressure: number;
  private readonly tau: Float64Array;
  private readonly mask: Float64Array;
  private readonly constantVolume: boolean;
  private readonly hydrostatic: boolean;
  private readonly fixed: Uint8Array;
  private f: Float64Array = eye3();
  private u: Float64Array;

  constructor(atoms: Atoms, calculator: Calculator, opts: CellFilterOptions = {}) {
    if (!atoms.pbc.every((p) => p)) {
      throw new InputError(`cell relaxation needs a structure periodic in all three directions (pbc is ${atoms.pbc.map((p) => (p ? "T" : "F")).join(" ")})`);
    }
    const v0 = atoms.volume();
    if (!(v0 > 0)) throw new InputError("cell relaxation needs a cell with a positive volume");
    if (opts.pressure !== undefined && opts.stress !== undefined) {
      throw new InputError("give either a target pressure or a target stress, not both");
    }
    if (opts.constantVolume && opts.hydrostatic) {
      throw new InputError("constant volume and hydrostatic strain together leave the cell nothing to do");
    }
    this.atoms = atoms;
    this.calculator = calculator;
    this.n = atoms.length;
    this.rows = atoms.length + 3;
    this.cellFactor = opts.cellFactor ?? atoms.length;
    if (!(this.cellFactor > 0)) throw new InputError(`cell factor must be > 0, got ${this.cellFactor}`);
    this.cell0 = atoms.cell.slice();
    this.volume0 = v0;
    this.fixed = fixedMask(atoms.length, opts.fixed);
    this.u = atoms.positions.slice();
    this.constantVolume = opts.constantVolume === true;
    this.hydrostatic = opts.hydrostatic === true;

    let p = opts.pressure ?? 0;
    this.tau = new Float64Array(9);
    if (opts.stress !== undefined) {
      if (opts.stress.length !== 6) throw new InputError(`target stress needs 6 Voigt components (xx yy zz yz xz xy), got ${opts.stress.length}`);
      const s = voigtToMatrix(opts.stress);
      p = -(s[0] + s[4] + s[8]) / 3;
      for (let k = 0; k < 9; k++) this.tau[k] = s[k] + (k % 4 === 0 ? p : 0);
    }
    if (!Number.isFinite(p) || !this.tau.every(Number.isFinite)) throw new InputError("target pressure/stress must be finite");
    this.pressure = p;

    this.mask = new Float64Array(9).fill(1);
    if (opts.mask !== undefined) {
      if (opts.mask.length !== 6) throw new InputError(`cell mask needs 6 Voigt entries (xx yy zz yz xz xy), got ${opts.mask.length}`);
      const m = voigtToMatrix(opts.mask.map((b) => (b ? 1 : 0)));
      this.mask.set(m);
    }
  }

  /** Current deformation gradient F (cell = cell0 F^T), row-major 3x3. */
  deformation(): Float64Array {
    return this.f.slice();
  }

  getX(): Float64Array {
    const x = new Float64Array(3 * this.rows);
    x.set(this.u);
    for (let k = 0; k < 9; k++) x[3 * this.n + k] = this.cellFactor * this.f[k];
    return x;
  }

  setX(x: Float64Array): void {
    const f = new Float64Array(9);
    for (let k = 0; k < 9; k++) f[k] = x[3 * this.n + k] / this.cellFactor;
    if (this.constantVolume) {
      // Projected gradients keep the volume only to first order; rescaling keeps it exactly.
      const s = Math.cbrt(det3(this.cell0) / det3(mul3(this.cell0, transpose3(f))));
      if (Number.isFinite(s) && s > 0) for (let k = 0; k < 9; k++) f[k] *= s;
    }
    if (!(det3(f) > 0)) throw new InputError("the cell relaxation inverted or collapsed the cell (det F <= 0); start closer to equilibrium or lower maxstep");
    this.f = f;
    for (let i = 0; i < this.n; i++) {
      if (this.fixed[i]) continue;
      this.u[3 * i] = x[3 * i];
      this.u[3 * i + 1] = x[3 * i + 1];
      this.u[3 * i + 2] = x[3 * i + 2];
    }
    this.atoms.cell = rowsTimesTranspose(this.cell0, f);
    this.atoms.positions = rowsTimesTranspose(this.u, f);
  }

  evaluate(): Evaluation {
    const r = this.calculator.calculate(this.atoms);
    checkResults(r, this.n);
    if (!r.stress) throw new InputError("the calculator returned no stress for this structure; cell relaxation needs one");
    this.lastResults = r;
    const v = this.atoms.volume();
    const f = this.f;
    const fInvT = transpose3(inv3(f));
    const sigma = voigtToMatrix(r.stress);
    // sigma - sigma_t, with sigma_t = -p I + tau.
    for (let k = 0; k < 9; k++) sigma[k] += (k % 4 === 0 ? this.pressure : 0) - this.tau[k];
    const g = mul3(sigma, fInvT);
    for (let k = 0; k < 9; k++) g[k] *= v * this.mask[k];
    if (this.constantVolume) project(g, fInvT, false);
    if (this.hydrostatic) project(g, f, true);

    let work = 0;
    for (let k = 0; k < 9; k++) work += this.tau[k] * (f[k] - (k % 4 === 0 ? 1 : 0));
    const energy = forceEnergy(r) + this.pressure * v - this.volume0 * work;

    const forces = new Float64Array(3 * this.rows);
    const fr = r.forces;
    for (let i = 0; i < this.n; i++) {
      if (this.fixed[i]) continue;
      // dOmega/du = F^T dOmega/dr: as row vectors, f_u = f_r F.
      const x = fr[3 * i], y = fr[3 * i + 1], z = fr[3 * i + 2];
      forces[3 * i] = x * f[0] + y * f[3] + z * f[6];
      forces[3 * i + 1] = x * f[1] + y * f[4] + z * f[7];
      forces[3 * i + 2] = x * f[2] + y * f[5] + z * f[8];
    }
    for (let k = 0; k < 9; k++) forces[3 * this.n + k] = -g[k] / this.cellFactor;

    const atomForces = fr.slice();
    for (let i = 0; i < this.n; i++) if (this.fixed[i]) atomForces[3 * i] = atomForces[3 * i + 1] = atomForces[3 * i + 2] = 0;
    // The residual in stress units, (dH/dF) F^T / V: sigma - sigma_t on the components that may relax.
    const res = mul3(g, transpose3(f));
    let stressResidual = 0;
    for (let k = 0; k < 9; k++) stressResidual = Math.max(stressResidual, Math.abs(res[k] / v));
    return { energy, forces, fmax: maxRowNorm(atomForces), stressResidual };
  }
}

/** Removes from g its component along d (keep = false) or keeps only that component (keep = true). */
function project(g: Float64Array, d: Float64Array, keep: boolean): void {
  const c = ddot3(g, d) / ddot3(d, d);
  for (let k = 0; k < 9; k++) g[k] = keep ? c * d[k] : g[k] - c * d[k];
}
