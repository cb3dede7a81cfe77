/**
 * Long-range point-charge kernels. Damped shifted force (DSF, Fennell and Gezelter, J. Chem. Phys.
 * 124, 234104 (2006)): the pair kernel (without k q_i q_j), in 1/A, for r < rc:
 *   g(r) = erfc(a r)/r - erfc(a rc)/rc + [erfc(a rc)/rc^2 + 2a/sqrt(pi) exp(-a^2 rc^2)/rc] (r - rc)
 * and the self energy -k q_i^2 [erfc(a rc)/(2 rc) + a/sqrt(pi)]. Both the energy and the force go
 * smoothly to zero at rc.
 */

/** Complementary error function to ~1e-15 relative (series below 2, continued fraction above). */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  // Lentz continued fraction: erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

function erfSeries(x: number): number {
  // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

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
