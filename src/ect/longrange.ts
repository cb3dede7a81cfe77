/**
 * Long-range point-charge kernels. Damped shifted force (DSF, Fennell and Gezelter, J. Chem. Phys.
 * 124, 234104 (2006)): the pair kernel (without k q_i q_j), in 1/A, for r < rc:
 *   g(r) = erfc(a r)/r - erfc(a rc)/rc + [erfc(a rc)/rc^2 + 2a/sqrt(pi) exp(-a^2 rc^2)/rc] (r - rc)
 * and the self energy -k q_i^2 [erfc(a rc)/(2 rc) + a/sqrt(pi)]. Both the energy and the force go
 * smoothly to zero at rc.
 */
import { erfc } from "../math/erf.js";

export { erfc };

/** DSF pair kernel g(r) in 1/A (multiply by k q_i q_j for eV); zero at and beyond rc. */
export function dsfKernel(r: number, alpha: number, rc: number): number {
  if (r >= rc) return 0;
  const erc = erfc(alpha * rc);
  const shift = erc / (rc * rc) + ((2 * alpha) / Math.sqrt(Math.PI)) * (Math.exp(-alpha * alpha * rc * rc) / rc);
  return erfc(alpha * r) / r - erc / rc + shift * (r - rc);
}

/** DSF self-energy coefficient c (1/A): E_self = -k c sum_i q_i^2. */
export function dsfSelfCoefficient(alpha: number, rc: number): number {
  return erfc(alpha * rc) / (2 * rc) + alpha / Math.sqrt(Math.PI);
}

/**
 * Ewald splitting for a real-space cutoff rc (A) and a target relative accuracy: alpha (1/A) makes
 * erfc(alpha rc) ~ accuracy, and reciprocal vectors up to kmax (1/A) make exp(-kmax^2/(4 alpha^2))
 * ~ accuracy.
 */
export function ewaldParameters(rc: number, accuracy: number): { alpha: number; kmax: number } {
  const s = Math.sqrt(-Math.log(accuracy));
  const alpha = s / rc;
  return { alpha, kmax: 2 * alpha * s };
}

/**
 * Reciprocal vectors k = 2 pi (n1 b1 + n2 b2 + n3 b3) with 0 < |k| <= kmax, one of each +-k pair,
 * packed as (kx, ky, kz, A_k) with A_k = 4 pi k_e / V * exp(-k^2 / (4 alpha^2)) / k^2, so that
 * E_recip = sum A_k |S(k)|^2 over the half space.
 */
export function ewaldVectors(cell: ArrayLike<number>, alpha: number, kmax: number, ke: number): Float64Array {
  const a = [cell[0], cell[1], cell[2]], b = [cell[3], cell[4], cell[5]], c = [cell[6], cell[7], cell[8]];
  const cross = (u: number[], v: number[]) => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const bc = cross(b, c), ca = cross(c, a), ab = cross(a, b);
  const volume = a[0] * bc[0] + a[1] * bc[1] + a[2] * bc[2];
  const g = [bc, ca, ab].map((v) => v.map((x) => (2 * Math.PI * x) / volume));
  const norm = (v: number[]) => Math.hypot(v[0], v[1], v[2]);
  // n_i = k . a_i / (2 pi), so |n_i| <= kmax |a_i| / (2 pi) covers the sphere |k| <= kmax.
  const nmax = [a, b, c].map((v) => Math.ceil((kmax * norm(v)) / (2 * Math.PI)) + 1);
  const out: number[] = [];
  const pref = (4 * Math.PI * ke) / Math.abs(volume);
  for (let i = -nmax[0]; i <= nmax[0]; i++)
    for (let j = -nmax[1]; j <= nmax[1]; j++)
      for (let l = -nmax[2]; l <= nmax[2]; l++) {
        // half space: first nonzero index positive
        if (i < 0 || (i === 0 && (j < 0 || (j === 0 && l <= 0)))) continue;
        const k = [0, 1, 2].map((d) => i * g[0][d] + j * g[1][d] + l * g[2][d]);
        const k2 = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
        if (k2 > kmax * kmax) continue;
        out.push(k[0], k[1], k[2], (pref * Math.exp(-k2 / (4 * alpha * alpha))) / k2);
      }
  return Float64Array.from(out);
}
