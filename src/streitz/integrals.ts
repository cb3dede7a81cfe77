/**
 * Slater 1s Coulomb integrals of the Streitz-Mintmire model, as LAMMPS `pair_coul_streitz.cpp`
 * (`coulomb_integral_ewald`, `coulomb_integral_wolf`) evaluates them.
 *
 * With f_i(r) = (zeta_i^3/pi) exp(-2 zeta_i r) the valence density of atom i (1/A^3), the two
 * integrals are returned minus the point-charge term 1/r, in 1/A:
 *
 * - cJ = [j|f_i] - 1/r = -(zeta_i + 1/r) exp(-2 zeta_i r): a unit point charge at j with f_i;
 * - cF = [f_i|f_j] - 1/r: the two densities, with a same-zeta (bitwise equal) closed form and a
 *   different-zeta one with the coefficients e1..e4 of `slaterPair`;
 *
 * and their radial derivatives dcJ = d cJ/dr, dcF = d cF/dr (1/A^2). The expressions and their
 * evaluation order are LAMMPS', so results agree with it to the last bit or two.
 *
 * For the Wolf summation both integrals are shifted-force: c(r) - c(rc) - (r - rc) c'(rc), with
 * derivative c'(r) - c'(rc); for Ewald they are used as they are.
 */

/** Per (zeta_i, zeta_j) constants of the integrals (1/A and powers of it). */
export interface SlaterPair {
  /** zeta of the atom whose density is f_i, 1/A. */
  zi: number;
  /** zeta of the other atom, 1/A. */
  zj: number;
  /** zi === zj (bitwise): LAMMPS then uses the same-exponent closed form. */
  same: boolean;
  /** Different-zeta coefficients (0 when `same`): e1, e2 in 1/A, e3, e4 dimensionless. */
  e1: number;
  e2: number;
  e3: number;
  e4: number;
}

/** Builds the constants for one ordered (zeta_i, zeta_j) pair (both in 1/A). */
export function slaterPair(zi: number, zj: number): SlaterPair {
  if (zi === zj) return { zi, zj, same: true, e1: 0, e2: 0, e3: 0, e4: 0 };
  const zi2 = zi * zi;
  const zi4 = zi2 * zi2;
  const zi6 = zi2 * zi4;
  const zj2 = zj * zj;
  const zj4 = zj2 * zj2;
  const zj6 = zj2 * zj4;
  const e1 = (zi * zj4) / ((zi + zj) * (zi + zj) * (zi - zj) * (zi - zj));
  const e2 = (zj * zi4) / ((zi + zj) * (zi + zj) * (zj - zi) * (zj - zi));
  const e3 = (3.0 * zi2 * zj4 - zj6) / ((zi + zj) * (zi + zj) * (zi + zj) * (zi - zj) * (zi - zj) * (zi - zj));
  const e4 = (3.0 * zj2 * zi4 - zi6) / ((zi + zj) * (zi + zj) * (zi + zj) * (zj - zi) * (zj - zi) * (zj - zi));
  return { zi, zj, same: false, e1, e2, e3, e4 };
}

const SM1 = 11.0 / 8.0;
const SM2 = 3.0 / 4.0;
const SM3 = 1.0 / 6.0;

/**
 * The unshifted integrals at distance r (A), written to `out`:
 * out[0] = cJ (1/A), out[1] = dcJ/dr (1/A^2), out[2] = cF (1/A), out[3] = dcF/dr (1/A^2).
 */
export function slaterIntegrals(p: SlaterPair, r: number, out: Float64Array): void {
  const zei = p.zi;
  const zej = p.zj;
  const rinv = 1.0 / r;
  const rinv2 = rinv * rinv;
  const exp2zir = Math.exp(-2.0 * zei * r);
  const zei2 = zei * zei;
  out[0] = -zei * exp2zir - rinv * exp2zir;
  out[1] = 2.0 * zei2 * exp2zir + rinv2 * exp2zir + 2.0 * zei * rinv * exp2zir;
  if (p.same) {
    out[2] = -exp2zir * (rinv + zei * (SM1 + SM2 * zei * r + SM3 * zei2 * r * r));
    out[3] = exp2zir * (rinv2 + 2.0 * zei * rinv + zei2 * (2.0 + (7.0 / 6.0) * zei * r + (1.0 / 3.0) * zei2 * r * r));
  } else {
    const exp2zjr = Math.exp(-2.0 * zej * r);
    const { e1, e2, e3, e4 } = p;
    out[2] = -exp2zir * (e1 + e3 / r) - exp2zjr * (e2 + e4 / r);
    out[3] = exp2zir * (2.0 * zei * (e1 + e3 / r) + e3 * rinv2) + exp2zjr * (2.0 * zej * (e2 + e4 / r) + e4 * rinv2);
  }
}

/** Values and slopes of the integrals at the cutoff, for the Wolf shifted-force form. */
export interface SlaterShift {
  /** cutoff rc, A */
  rc: number;
  /** cJ(rc), 1/A */
  eJ: number;
  /** cJ'(rc), 1/A^2 */
  fJ: number;
  /** cF(rc), 1/A */
  eF: number;
  /** cF'(rc), 1/A^2 */
  fF: number;
}

/** The shift constants of one pair at cutoff rc (A). */
export function slaterShift(p: SlaterPair, rc: number): SlaterShift {
  const t = new Float64Array(4);
  slaterIntegrals(p, rc, t);
  return { rc, eJ: t[0], fJ: t[1], eF: t[2], fF: t[3] };
}

/**
 * The Wolf (shifted-force) integrals at r (A), written to `out` in the order of
 * `slaterIntegrals`: c(r) - c(rc) - (r - rc) c'(rc) and c'(r) - c'(rc).
 */
export function slaterIntegralsShifted(p: SlaterPair, s: SlaterShift, r: number, out: Float64Array): void {
  slaterIntegrals(p, r, out);
  const dr = r - s.rc;
  out[0] = out[0] - s.eJ - dr * s.fJ;
  out[1] = out[1] - s.fJ;
  out[2] = out[2] - s.eF - dr * s.fF;
  out[3] = out[3] - s.fF;
}
