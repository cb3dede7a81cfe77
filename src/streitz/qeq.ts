/**
 * Charge equilibration of the Streitz-Mintmire model as LAMMPS `fix qeq/slater` (src/QEQ/
 * fix_qeq_slater.cpp, with FixQEq::CG and calculate_Q) does it: a dense reference for small cells.
 *
 * The charges minimise, under sum q = 0, the quadratic form
 *   E(q) = sum_i chi_eff_i q_i + 1/2 sum_ij H_ij q_i q_j,
 *   H_ii = J_i - 2 k woself,  woself = erfc(alpha rc)/(2 rc) + alpha/sqrt(pi),
 *   H_ij = sum over images within rc of k (erfc(alpha r)/r + cF(r))           (H_ii also gets i's own images),
 *   chi_eff_i = chi_i + sum over (j + image) within rc of k Z_j (cJ(r) - cF(r)),
 * with the UNSHIFTED Slater integrals and an unshifted erfc(alpha r)/r, whatever the pair style's
 * summation; alpha is the fix's own keyword (default 0.20, not the pair's Wolf alpha).
 * LAMMPS solves H s = -chi_eff and H t = -1 by conjugate gradients preconditioned with 1/J_i
 * (not 1/H_ii), both from zero on the first call, stopping when sqrt(r.M^-1 r)/|b| <= tolerance,
 * then sets q = s - (sum s / sum t) t. The same is done here, with H stored densely (N x N).
 *
 * Units: A, eV, e; k = qqrd2e (metal 14.399645 eV A / e^2).
 */
import type { Atoms } from "../atoms.js";
import { CalculationFailed, InputError } from "../errors.js";
import { MY_PIS, QQRD2E_METAL } from "./coulomb.js";
import { erfc } from "./erfc.js";
import { forEachPair } from "./images.js";
import { slaterIntegrals, slaterPair, type SlaterPair } from "./integrals.js";
import { streitzElements, type StreitzParameters } from "./params.js";

/** Settings of `fix qeq/slater Nevery cutoff tolerance maxiter coul/streitz [alpha a]`. */
export interface StreitzQeqOptions {
  /** QEq cutoff rc, A. */
  cutoff: number;
  /** Relative residual at which CG stops (LAMMPS tolerance), dimensionless. */
  tolerance: number;
  /** Iteration limit per CG solve (LAMMPS maxiter). */
  maxIter: number;
  /** Damping alpha of erfc(alpha r)/r, 1/A (default 0.20, the fix's default). */
  alpha?: number;
  /** Coulomb constant, eV A / e^2 (default metal 14.399645). */
  qqrd2e?: number;
}

/** Result of the charge equilibration. */
export interface StreitzQeqResults {
  /** Equilibrated charges, e (sum zero to rounding). */
  charges: Float64Array;
  /** Chemical potential mu = sum s / sum t = dE/dq_i for every i, eV/e. */
  chemicalPotential: number;
  /**
   * Loop counts of the two CG solves as FixQEq::CG returns them (1 + iterations done). LAMMPS
   * sums them as `matvecs`; the `f_qeq` value it reports appears to be that sum halved (the
   * published fixtures give 24-69 where these sums are 49-122), which is not checked here.
   */
  cgLoops: { s: number; t: number };
}

/** Largest N the dense reference accepts (H takes 8 N^2 bytes). */
export const QEQ_DENSE_MAX_ATOMS = 4000;

/**
 * Equilibrates the charges of `atoms` as LAMMPS fix qeq/slater does (from zero history).
 *
 * @throws InputError for bad settings, a missing element, or more than QEQ_DENSE_MAX_ATOMS atoms
 * @throws CalculationFailed when a CG solve does not reach the tolerance within maxIter
 */
export function streitzQeq(atoms: Atoms, params: StreitzParameters, opts: StreitzQeqOptions): StreitzQeqResults {
  const n = atoms.length;
  const rc = opts.cutoff;
  const alpha = opts.alpha ?? 0.2;
  const k = opts.qqrd2e ?? QQRD2E_METAL;
  if (!(rc > 0) || !Number.isFinite(rc)) throw new InputError(`QEq cutoff must be > 0 A, got ${rc}`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new InputError(`QEq alpha must be >= 0 1/A, got ${alpha}`);
  if (!(opts.tolerance > 0)) throw new InputError(`QEq tolerance must be > 0, got ${opts.tolerance}`);
  if (!Number.isInteger(opts.maxIter) || opts.maxIter < 1) throw new InputError(`QEq maxIter must be a positive integer, got ${opts.maxIter}`);
  if (n > QEQ_DENSE_MAX_ATOMS) throw new InputError(`the dense QEq reference takes at most ${QEQ_DENSE_MAX_ATOMS} atoms, got ${n}`);
  if (n === 0) return { charges: new Float64Array(0), chemicalPotential: 0, cgLoops: { s: 0, t: 0 } };

  const species = [...new Set(atoms.symbols)];
  const elems = streitzElements(params, species);
  const nt = species.length;
  const type = Int32Array.from(atoms.symbols, (s) => species.indexOf(s));
  const pairs: SlaterPair[] = [];
  for (let ti = 0; ti < nt; ti++) for (let tj = 0; tj < nt; tj++) pairs.push(slaterPair(elems[ti].zeta, elems[tj].zeta));

  // FixQEqSlater::compute_H / calculate_H
  const H = new Float64Array(n * n);
  const chizj = new Float64Array(n);
  const c = new Float64Array(4);
  forEachPair(atoms, rc, (i, j, _dx, _dy, _dz, rsq) => {
    const r = Math.sqrt(rsq);
    slaterIntegrals(pairs[type[i] * nt + type[j]], r, c);
    const erfcr = erfc(alpha * r);
    const etmp1 = 1.0 * (c[0] - c[2]);
    const etmp2 = 0.5 * (c[2] + erfcr * (1.0 / r));
    chizj[i] += k * elems[type[j]].Z * etmp1;
    const val = k * etmp2;
    // sparse_matvec adds val to b[i] (x[j]) and to b[j] (x[i]) for each ordered pair
    H[i * n + j] += val;
    H[j * n + i] += val;
  });
  const woself = (0.5 * erfc(alpha * rc)) / rc + alpha / MY_PIS;
  for (let i = 0; i < n; i++) H[i * n + i] += elems[type[i]].J - 2.0 * k * woself;

  const hdiaInv = Float64Array.from(type, (t) => 1.0 / elems[t].J);
  const matvec = (x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0.0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += H[row + j] * x[j];
      out[i] = s;
    }
  };
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0.0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };

  // FixQEq::CG from x = 0
  const cg = (b: Float64Array, x: Float64Array, what: string): number => {
    const q = new Float64Array(n);
    const r = new Float64Array(n);
    const d = new Float64Array(n);
    const p = new Float64Array(n);
    matvec(x, q);
    for (let i = 0; i < n; i++) {
      r[i] = b[i] - q[i];
      d[i] = r[i] * hdiaInv[i];
    }
    const bNorm = Math.sqrt(dot(b, b));
    let sigNew = dot(r, d);
    let loop = 1;
    for (; loop < opts.maxIter && Math.sqrt(sigNew) / bNorm > opts.tolerance; ++loop) {
      matvec(d, q);
      const alfa = sigNew / dot(d, q);
      for (let i = 0; i < n; i++) {
        x[i] += alfa * d[i];
        r[i] -= alfa * q[i];
        p[i] = r[i] * hdiaInv[i];
      }
      const sigOld = sigNew;
      sigNew = dot(r, p);
      const beta = sigNew / sigOld;
      for (let i = 0; i < n; i++) d[i] = p[i] + beta * d[i];
    }
    if (Math.sqrt(sigNew) / bNorm > opts.tolerance) {
      throw new CalculationFailed(`QEq CG for ${what} did not reach tolerance ${opts.tolerance} in ${opts.maxIter} iterations`);
    }
    return loop;
  };

  const bS = Float64Array.from(type, (t, i) => -(elems[t].chi + chizj[i]));
  const bT = new Float64Array(n).fill(-1.0);
  const s = new Float64Array(n);
  const t = new Float64Array(n);
  const loopsS = cg(bS, s, "s");
  const loopsT = cg(bT, t, "t");

  // FixQEq::calculate_Q
  let sSum = 0.0;
  let tSum = 0.0;
  for (let i = 0; i < n; i++) {
    sSum += s[i];
    tSum += t[i];
  }
  const u = sSum / tSum;
  const charges = Float64Array.from(s, (si, i) => si - u * t[i]);
  return { charges, chemicalPotential: u, cgLoops: { s: loopsS, t: loopsT } };
}
