/**
 * LAMMPS-exact tabulation helpers for EAM potentials (pair_eam.cpp, LAMMPS 29Sep2021).
 *
 * Every arithmetic expression here keeps LAMMPS' operand order so that the tables agree with
 * LAMMPS bit for bit (JS numbers are IEEE doubles and are never contracted into FMAs).
 */
import type { SplineTable } from "./types.js";

/**
 * LAMMPS `PairEAM::interpolate()`: cubic Hermite table with 5-point finite-difference slopes.
 *
 * @param f     n tabulated values f[0..n-1] (LAMMPS f[1..n]), units of the function (eV, density, eV*A)
 * @param delta grid spacing (A for radial tables, density units for the embedding table); must be > 0
 * @returns     a SplineTable of n records of 7 coefficients; c0..c2 are derivative coefficients already
 *              divided by `delta` (units of f per unit x), c3..c6 value coefficients in units of f.
 *              Needs n >= 3 (callers enforce n >= 5).
 */
export function interpolate(f: ArrayLike<number>, delta: number): SplineTable {
  const n = f.length;
  if (n < 3) throw new RangeError(`interpolate needs at least 3 points, got ${n}`);
  const c = new Float64Array(7 * n);
  // LAMMPS 1-based index m lives at record m-1: coefficient j of point m is c[7*(m-1)+j]. The loops
  // below keep b = 7*(m-1), the record of point m (m - 1 is b - 7, m + 1 is b + 7, ...): an index
  // helper called per access was most of this function's time on cold code, at every start-up.
  const last = 7 * (n - 1);

  for (let m = 1; m <= n; m++) c[7 * (m - 1) + 6] = f[m - 1];

  c[5] = c[7 + 6] - c[6];
  c[7 + 5] = 0.5 * (c[14 + 6] - c[6]);
  c[last - 7 + 5] = 0.5 * (c[last + 6] - c[last - 14 + 6]);
  c[last + 5] = c[last + 6] - c[last - 7 + 6];

  for (let m = 3, b = 14; m <= n - 2; m++, b += 7) {
    c[b + 5] = ((c[b - 14 + 6] - c[b + 14 + 6]) + 8.0 * (c[b + 7 + 6] - c[b - 7 + 6])) / 12.0;
  }

  for (let m = 1, b = 0; m <= n - 1; m++, b += 7) {
    c[b + 4] = 3.0 * (c[b + 7 + 6] - c[b + 6]) - 2.0 * c[b + 5] - c[b + 7 + 5];
    c[b + 3] = c[b + 5] + c[b + 7 + 5] - 2.0 * (c[b + 7 + 6] - c[b + 6]);
  }

  c[last + 4] = 0.0;
  c[last + 3] = 0.0;

  for (let m = 1, b = 0; m <= n; m++, b += 7) {
    c[b + 2] = c[b + 5] / delta;
    c[b + 1] = (2.0 * c[b + 4]) / delta;
    c[b] = (3.0 * c[b + 3]) / delta;
  }

  return { n, delta, coeffs: c };
}

const SIXTH = 1.0 / 6.0;

/**
 * LAMMPS funcfl `file2array()` regridding: 4-point Lagrange interpolation of a file table onto a new grid.
 *
 * @param src      file values src[0..] (LAMMPS file->f[1..nsrc]); needs nsrc >= 4
 * @param srcDelta file grid spacing (same units as `delta`)
 * @param n        number of points of the new grid (LAMMPS nr or nrho)
 * @param delta    spacing of the new grid; point m (1-based) is at x = (m-1)*delta
 * @returns        n regridded values, in the units of `src`
 */
export function lagrangeRegrid(src: ArrayLike<number>, srcDelta: number, n: number, delta: number): Float64Array {
  const nsrc = src.length;
  if (nsrc < 4) throw new RangeError(`lagrangeRegrid needs at least 4 source points, got ${nsrc}`);
  // file->f[k] (1-based) is src[k-1]
  const f = (k: number) => src[k - 1];
  const out = new Float64Array(n);
  for (let m = 1; m <= n; m++) {
    const r = (m - 1) * delta;
    let p = r / srcDelta + 1.0;
    let k = Math.trunc(p); // static_cast<int>, p >= 1 here
    k = Math.min(k, nsrc - 2);
    k = Math.max(k, 2);
    p -= k;
    p = Math.min(p, 2.0);
    const cof1 = -SIXTH * p * (p - 1.0) * (p - 2.0);
    const cof2 = 0.5 * (p * p - 1.0) * (p - 2.0);
    const cof3 = -0.5 * p * (p + 1.0) * (p - 2.0);
    const cof4 = SIXTH * p * (p * p - 1.0);
    out[m - 1] = cof1 * f(k - 1) + cof2 * f(k) + cof3 * f(k + 1) + cof4 * f(k + 2);
  }
  return out;
}

/**
 * Value and derivative of a table at x, with LAMMPS' index arithmetic from `PairEAM::compute()`:
 * p = x*(1/delta) + 1 (multiplication by the reciprocal, not a division), m = min(int(p), n-1)
 * (and m >= 1 for the embedding table, `clampLow`), p = min(p-m, 1).
 * Beyond the table the last interval is held at p = 1 (no extrapolation; LAMMPS adds the linear
 * embedding term above rhomax itself, in compute()).
 *
 * @param t        the table
 * @param x        r in A for radial tables, rho for the embedding table; x >= 0 except with clampLow
 * @param clampLow true for the embedding table (LAMMPS `m = MAX(1, MIN(m, nrho-1))`)
 * @returns        [value, derivative d/dx] in units of the table (per unit x for the derivative)
 */
export function splineEval(t: SplineTable, x: number, clampLow = false): [number, number] {
  const rdelta = 1.0 / t.delta;
  let p = x * rdelta + 1.0;
  let m = Math.trunc(p);
  m = Math.min(m, t.n - 1);
  if (clampLow) m = Math.max(1, m);
  p -= m;
  p = Math.min(p, 1.0);
  const o = 7 * (m - 1);
  const c = t.coeffs;
  const value = ((c[o + 3] * p + c[o + 4]) * p + c[o + 5]) * p + c[o + 6];
  const deriv = (c[o + 0] * p + c[o + 1]) * p + c[o + 2];
  return [value, deriv];
}
