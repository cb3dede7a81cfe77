/**
 * QEq charge equilibration (A. K. Rappe and W. A. Goddard III, J. Phys. Chem. 95, 3358 (1991)) as a
 * baseline next to ECT-EAM (docs: shared/docs/ect-eam-model.md, section 6 item 1).
 *
 * QEq gives every atom a quadratic on-site energy chi_i q_i + 1/2 J_i q_i^2 and couples the charges
 * through a shielded Coulomb interaction. Its known failure, which ECT-EAM is built to fix, is that
 * two different atoms keep a fractional charge at any separation: for a dimer A-B,
 *   q_A = (chi_B - chi_A) / (J_A + J_B - 2 k J_AB(R)),
 * which tends to (chi_B - chi_A) / (J_A + J_B), not zero, as R -> infinity.
 *
 * This implementation: clusters only (no periodic images), the charges from a direct dense solve of
 * the (N+1) x (N+1) linear system of the constrained minimum (Lagrange multiplier for the total
 * charge), forces by Hellmann-Feynman at the solved charges. Charge-independent shielding exponents
 * (Rappe and Goddard make the H exponent depend on q_H; this baseline does not).
 *
 * Units: eV, A, e; exponents in 1/A. Browser-safe (no Node imports).
 */
import type { Atoms } from "../atoms.js";
import { CachedCalculator } from "../calculators/cached.js";
import type { CalculatorResults } from "../calculators/protocol.js";
import { CalculationFailed, InputError, ModelError } from "../errors.js";
import { COULOMB_K, rbfCoulombIntegral, type RbfShape } from "./coulomb.js";
import { asymptoticSlaterExponent, type EctElement, type EctModel, type EctState } from "./model.js";

/** Per-element QEq parameters. */
export interface QeqElementParameters {
  /** Electronegativity chi_A = dE/dq at q = 0, eV (Mulliken: (IP + EA)/2). */
  chi: number;
  /** Hardness J_A = d2E/dq2, eV (IP - EA); the on-site energy is chi q + 1/2 J q^2. */
  J: number;
  /** Exponent zeta_A (1/A) of the normalized Slater 1s shielding density (zeta^3/pi) exp(-2 zeta r); > 0. */
  zeta: number;
}

/** QEq parameters: per-element data keyed by chemical symbol, and the Coulomb constant. */
export interface QeqParameters {
  elements: Record<string, QeqElementParameters>;
  /** Coulomb constant k in eV*A/e^2 (default 14.399645, `COULOMB_K`). */
  coulombConstant?: number;
}

/** Result of one QEq evaluation; arrays are owned by the caller. */
export interface QeqResult {
  /** E(q) at the equilibrated charges, eV (relative to the neutral isolated atoms). */
  energy: number;
  /** Charges q_i, e; they sum to the total charge. */
  charges: Float64Array;
  /** Forces -dE/dR at the equilibrated charges, eV/A, N x 3 row-major. */
  forces: Float64Array;
  /** Dipole moment sum_i q_i R_i, e*A (origin dependent for charged systems). */
  dipole: [number, number, number];
  /**
   * Equalized electronegativity dE/dq_i (the same on every atom: the Lagrange multiplier of the
   * charge constraint), eV. Equals minus the electron chemical potential.
   */
  chi: number;
}

/** Relative size of a pivot (to the largest matrix entry) below which the QEq system is singular. */
export const QEQ_SINGULAR_TOLERANCE = 1e-12;

/** How `qeqFromEctModel` chooses the shielding exponents. */
export interface QeqFromEctOptions {
  /** "neutral-density" (default) or "hardness" (zeta = 8 J / (5 k)); see `qeqFromEctModel`. */
  zeta?: "neutral-density" | "hardness";
}

/** Find the state of an element with the given net charge Q_AM (e), or undefined. */
function stateWithCharge(el: EctElement, charge: number): EctState | undefined {
  return el.states.find((s) => s.charge === charge);
}

/**
 * QEq parameters from an ECT model's atomic data (the Mulliken / finite-difference rule):
 * - IP = E(A+) - E(A0), EA = E(A0) - E(A-) from the state energies (eV; NIST values in the starter);
 * - chi = (IP + EA)/2, J = IP - EA, so that chi q + 1/2 J q^2 equals the state energies at q = +1
 *   (IP) and q = -1 (-EA): the parabola through the three integer-charge energies;
 * - zeta by `options.zeta`:
 *   - "neutral-density" (default): the smallest exponent (the outermost, most diffuse term) among the
 *     Slater terms of the neutral state's density; if the neutral density has no Slater term
 *     (Gaussian-only or empty), the asymptotic-decay rule zeta = sqrt(2 IP / Hartree) / bohr
 *     (`asymptoticSlaterExponent`);
 *   - "hardness": zeta = 8 J / (5 k), so that the self-Coulomb energy of the shielding density,
 *     k J_AA(0) = k 5 zeta / 8, equals the hardness J. Then the QEq matrix is the Coulomb matrix of the
 *     densities, positive definite for distinct positions, so the solved charges are always a minimum
 *     (with "neutral-density" a compact cluster can make it indefinite: the stationary point is then a
 *     saddle with unphysically large charges).
 *   At large separations the rule hardly matters: J_AB - 1/R decays like exp(-2 zeta_min R) (at 20 A,
 *   LiH and NaCl differ by ~1e-9 e between the two rules).
 *
 * @throws ModelError (field `elements.X.states`) when an element lacks its neutral, cation (charge +1)
 *         or anion (charge -1) state, or when the resulting J or zeta is not > 0
 */
export function qeqFromEctModel(model: EctModel, options: QeqFromEctOptions = {}): QeqParameters {
  const rule = options.zeta ?? "neutral-density";
  const elements: Record<string, QeqElementParameters> = {};
  for (const el of model.elements) {
    const path = `elements.${el.symbol}.states`;
    const neutral = stateWithCharge(el, 0);
    const cation = stateWithCharge(el, 1);
    const anion = stateWithCharge(el, -1);
    const missing = [!neutral && "neutral (charge 0)", !cation && "cation (charge +1)", !anion && "anion (charge -1)"]
      .filter((x): x is string => typeof x === "string");
    if (!neutral || !cation || !anion) {
      throw new ModelError(`QEq needs the ${missing.join(", ")} state of ${el.symbol} (in ${model.source})`, path);
    }
    const ip = cation.energy - neutral.energy;
    const ea = neutral.energy - anion.energy;
    const J = ip - ea;
    if (!(J > 0)) {
      throw new ModelError(
        `QEq hardness J = IP - EA = ${J} eV of ${el.symbol} is not > 0 (IP = ${ip}, EA = ${ea}; in ${model.source})`,
        path,
      );
    }
    let zeta = Infinity;
    if (rule === "hardness") zeta = (8 * J) / (5 * COULOMB_K);
    else {
      for (const t of neutral.density) if (t.type === "slater") zeta = Math.min(zeta, t.exponent);
      if (!Number.isFinite(zeta)) zeta = asymptoticSlaterExponent(ip);
    }
    if (!(zeta > 0) || !Number.isFinite(zeta)) {
      throw new ModelError(`QEq shielding exponent of ${el.symbol} is not > 0: ${zeta} (in ${model.source})`, path);
    }
    elements[el.symbol] = { chi: 0.5 * (ip + ea), J, zeta };
  }
  return { elements, coulombConstant: COULOMB_K };
}

/**
 * Shielded Coulomb interaction J_ij(R) (1/A, multiply by k for eV per e^2) between normalized Slater
 * 1s densities of exponents zeta_i, zeta_j (1/A), and dJ/dR. Finite at R = 0, equal to 1/R up to
 * exponentially small terms at large R.
 */
export function qeqShielding(zetaI: number, zetaJ: number, R: number): [number, number] {
  const s: RbfShape = { type: "slater", exponent: zetaI };
  const t: RbfShape = { type: "slater", exponent: zetaJ };
  return rbfCoulombIntegral(s, t, R);
}

/**
 * Solve the dense linear system A x = b in place by Gaussian elimination with partial pivoting.
 * `a` is n x n row-major and is destroyed; `b` is overwritten by the solution.
 * @throws CalculationFailed when a pivot is below `QEQ_SINGULAR_TOLERANCE` times the largest |a_ij|
 */
function solveDense(a: Float64Array, b: Float64Array, n: number): void {
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  const tol = QEQ_SINGULAR_TOLERANCE * scale;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tol)) {
      throw new CalculationFailed(
        `QEq linear system is singular (pivot ${best.toExponential(3)} at step ${k + 1} of ${n}, ` +
          `largest entry ${scale.toExponential(3)}): check for coincident atoms or degenerate parameters`,
      );
    }
    if (p !== k) {
      for (let j = k; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
      const t = b[k];
      b[k] = b[p];
      b[p] = t;
    }
    const piv = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / piv;
      if (f === 0) continue;
      a[i * n + k] = 0;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
      b[i] -= f * b[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * b[j];
    b[i] = s / a[i * n + i];
  }
}

/**
 * QEq charges, energy and forces of a cluster.
 *
 * Makes stationary (a minimum when the matrix H below is positive definite on the sum q = 0
 * subspace: always with `qeqFromEctModel(model, { zeta: "hardness" })`, not guaranteed otherwise; an
 * indefinite H at close contact gives a saddle with unphysically large charges, QEq's
 * "polarization catastrophe" -- no check is made)
 *   E(q) = sum_i (chi_i q_i + 1/2 J_i q_i^2) + sum_{i<j} q_i q_j k J_ij(R_ij)      (eV)
 * subject to sum_i q_i = Q, by solving the (N+1) x (N+1) system
 *   sum_j H_ij q_j - lambda = -chi_i  (i = 1..N),   sum_j q_j = Q,
 * with H_ii = J_i, H_ij = k J_ij(R_ij), by dense Gaussian elimination with partial pivoting (O(N^3):
 * meant for clusters of up to a few hundred atoms). lambda = dE/dq_i is the equalized
 * electronegativity. J_ij is the Coulomb integral of normalized Slater 1s densities of exponents
 * zeta_i, zeta_j (`qeqShielding`).
 * Forces F_k = -dE/dR_k at fixed (solved) charges: E is stationary in q under the constraint, so
 * the charge response does not contribute (Hellmann-Feynman).
 *
 * @param atoms       a cluster (every `pbc` entry false); positions in A
 * @param params      per-element chi (eV), J (eV), zeta (1/A); optional Coulomb constant (eV*A/e^2)
 * @param totalCharge Q, e (default 0)
 * @throws InputError for periodic structures, an empty structure, species without parameters or
 *         non-finite positions; ModelError for non-finite or non-positive parameters;
 *         CalculationFailed when the linear system is singular or the result is not finite
 */
export function qeqCalculate(atoms: Atoms, params: QeqParameters, totalCharge = 0): QeqResult {
  if (atoms.pbc.some((p) => p)) {
    throw new InputError(`QEq baseline supports clusters only (got pbc = [${atoms.pbc.join(", ")}])`);
  }
  const n = atoms.length;
  if (n === 0) throw new InputError("QEq needs at least one atom");
  if (!Number.isFinite(totalCharge)) throw new InputError(`QEq total charge must be finite, got ${totalCharge}`);
  const k = params.coulombConstant ?? COULOMB_K;
  if (!(k > 0) || !Number.isFinite(k)) {
    throw new ModelError(`expected a finite number > 0, got ${k}`, "coulombConstant");
  }

  const chi = new Float64Array(n);
  const hard = new Float64Array(n);
  const zeta = new Float64Array(n);
  const checked = new Set<string>();
  for (let i = 0; i < n; i++) {
    const sym = atoms.symbols[i];
    const p = Object.prototype.hasOwnProperty.call(params.elements, sym) ? params.elements[sym] : undefined;
    if (!p) {
      const known = Object.keys(params.elements).join(", ");
      throw new InputError(`species '${sym}' has no QEq parameters (known: ${known})`, { atom: i });
    }
    if (!checked.has(sym)) {
      if (!Number.isFinite(p.chi)) throw new ModelError(`expected a finite number, got ${p.chi}`, `elements.${sym}.chi`);
      if (!Number.isFinite(p.J)) throw new ModelError(`expected a finite number, got ${p.J}`, `elements.${sym}.J`);
      if (!(p.zeta > 0) || !Number.isFinite(p.zeta)) {
        throw new ModelError(`expected a finite number > 0, got ${p.zeta}`, `elements.${sym}.zeta`);
      }
      checked.add(sym);
    }
    chi[i] = p.chi;
    hard[i] = p.J;
    zeta[i] = p.zeta;
  }
  const pos = atoms.positions;
  for (let i = 0; i < 3 * n; i++) {
    if (!Number.isFinite(pos[i])) throw new InputError(`non-finite position ${pos[i]}`, { atom: Math.floor(i / 3) });
  }

  // Pair matrix k J_ij and its radial derivative (upper triangle used for forces).
  const m = n + 1;
  const a = new Float64Array(m * m);
  const dH = new Float64Array(n * n);
  const rij = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * m + i] = hard[i];
    for (let j = i + 1; j < n; j++) {
      const dx = pos[3 * j] - pos[3 * i];
      const dy = pos[3 * j + 1] - pos[3 * i + 1];
      const dz = pos[3 * j + 2] - pos[3 * i + 2];
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const [Jr, dJr] = qeqShielding(zeta[i], zeta[j], r);
      a[i * m + j] = k * Jr;
      a[j * m + i] = k * Jr;
      dH[i * n + j] = k * dJr;
      rij[i * n + j] = r;
    }
    a[i * m + n] = -1;
    a[n * m + i] = 1;
  }
  const H = a.slice(); // a is destroyed by the solve
  const x = new Float64Array(m);
  for (let i = 0; i < n; i++) x[i] = -chi[i];
  x[n] = totalCharge;
  solveDense(a, x, m);

  const q = x.subarray(0, n).slice();
  const lambda = x[n];
  let energy = 0;
  for (let i = 0; i < n; i++) {
    energy += chi[i] * q[i] + 0.5 * hard[i] * q[i] * q[i];
    for (let j = i + 1; j < n; j++) energy += q[i] * q[j] * H[i * m + j];
  }

  const forces = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r = rij[i * n + j];
      if (r === 0) continue; // dJ/dR = 0 at R = 0 (J is even in R); no direction
      const f = (q[i] * q[j] * dH[i * n + j]) / r; // dE/dR / R
      for (let c = 0; c < 3; c++) {
        const d = pos[3 * j + c] - pos[3 * i + c];
        forces[3 * i + c] += f * d;
        forces[3 * j + c] -= f * d;
      }
    }
  }

  const dipole: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) dipole[c] += q[i] * pos[3 * i + c];

  if (!Number.isFinite(energy) || !Number.isFinite(lambda) || q.some((v) => !Number.isFinite(v)) || forces.some((v) => !Number.isFinite(v))) {
    throw new CalculationFailed("QEq produced non-finite charges, energy or forces");
  }
  return { energy, charges: q, forces, dipole, chi: lambda };
}

/** Results of {@link QeqCalculator}: the calculator protocol's fields plus QEq's own. */
export interface QeqResults extends CalculatorResults {
  /** Charges q_i, e; they sum to the total charge. */
  charges: Float64Array;
  /** Virial W_ab = sum_i r_ia f_ib, eV, 3x3 (a cluster: no periodic images). */
  virial: Float64Array;
  /** Always null: QEq here is for clusters. */
  stress: null;
  /** Dipole moment sum_i q_i R_i, e*A. */
  dipole: [number, number, number];
  /** Equalized electronegativity dE/dq_i, eV. */
  chi: number;
}

/** The properties {@link QeqCalculator} computes, as ASE's `implemented_properties`. */
export const QEQ_PROPERTIES = ["energy", "forces", "virial", "stress", "charges", "dipole", "chi"] as const;

/**
 * The QEq baseline as a calculator (`qeqCalculate` behind the calculator protocol), so that
 * optimizers, the MD driver and property tools run it like the other models. Clusters only; no
 * wasm engine, so MD uses the per-step driver.
 */
export class QeqCalculator extends CachedCalculator<QeqResults> {
  readonly implementedProperties = QEQ_PROPERTIES;
  readonly parameters: QeqParameters;
  /** Total charge Q, e. */
  readonly totalCharge: number;

  private constructor(parameters: QeqParameters, totalCharge: number) {
    super();
    this.parameters = parameters;
    this.totalCharge = totalCharge;
  }

  /**
   * A QEq calculator (asynchronous like the other calculators' factories, though nothing waits).
   * @param parameters per-element chi, J, zeta (`qeqFromEctModel` gives them from an ECT-EAM model)
   * @param opts.totalCharge total charge Q, e (default 0)
   */
  static async create(parameters: QeqParameters, opts: { totalCharge?: number } = {}): Promise<QeqCalculator> {
    const q = opts.totalCharge ?? 0;
    if (!Number.isFinite(q)) throw new InputError(`QEq total charge must be finite, got ${q}`);
    return new QeqCalculator(parameters, q);
  }

  protected evaluate(atoms: Atoms): QeqResults {
    const r = qeqCalculate(atoms, this.parameters, this.totalCharge);
    const virial = new Float64Array(9);
    const p = atoms.positions;
    for (let i = 0; i < atoms.length; i++) {
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) virial[3 * a + b] += p[3 * i + a] * r.forces[3 * i + b];
    }
    return { energy: r.energy, forces: r.forces, virial, stress: null, charges: r.charges, dipole: r.dipole, chi: r.chi };
  }

  protected release(): void {}
}
