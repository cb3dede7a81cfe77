/**
 * The error functions (JavaScript has none), shared by the ECT-EAM Coulomb integrals, the long-range
 * kernels and the Streitz-Mintmire reference.
 *
 * Two branches, both without cancellation in the quantity they return:
 * - 0 <= x < 2.5: erf(x) = (2/sqrt(pi)) x exp(-x^2) sum_n (2x^2)^n / (1*3*...*(2n+1)), a series of
 *   positive terms (erfc = 1 - erf there: absolute error ~1e-16);
 * - x >= 2.5: the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + ...))),
 *   modified Lentz, with exp(-x^2) from an exact split of x^2 (relative error < 5e-15).
 * LAMMPS uses glibc's erfc; in Coulomb sums the ~1e-16 absolute difference moves a pair energy by
 * < 1e-14 eV.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/** erf(x)/x for 0 <= x < 2.5 by the positive-term series. */
function erfOverXSeries(x: number): number {
  const x2 = x * x;
  let term = 1.0;
  let sum = 1.0;
  for (let n = 0; n < 300; n++) {
    term *= (2.0 * x2) / (2 * n + 3);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * exp(-x^2) without the rounding error of x*x (which would cost x^2 ulps): Veltkamp split
 * x = xh + xl with xh*xh exact, then exp(-xh^2) exp(-(2 xh xl + xl^2)).
 */
function expMinusSquare(x: number): number {
  const c = 134217729.0 * x; // 2^27 + 1
  const xh = c - (c - x);
  const xl = x - xh;
  return Math.exp(-xh * xh) * Math.exp(-(2.0 * xh * xl + xl * xl));
}

/** erfc(x) for x >= 2.5 by the continued fraction (modified Lentz). */
function erfcFraction(x: number): number {
  if (x > 27.3) return 0.0; // exp(-x^2) underflows
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0.0;
  for (let n = 1; n < 5000; n++) {
    const a = 0.5 * n;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1.0 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1.0) < 1e-16) break;
  }
  return (expMinusSquare(x) * INV_SQRT_PI) / f;
}

/** The error function erf(x) (dimensionless), relative accuracy ~1e-15. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const v = ax < 2.5 ? ax * erfOverXSeries(ax) : 1.0 - erfcFraction(ax);
  return x < 0 ? -v : v;
}

/** The complementary error function erfc(x) = 1 - erf(x): absolute error < 3e-16, relative < 5e-15 for x >= 2.5. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2.0 - erfc(-x);
  return x < 2.5 ? 1.0 - x * erfOverXSeries(x) : erfcFraction(x);
}

/** erf(x)/x for x >= 0, with its limit 2/sqrt(pi) at x = 0. */
export function erfOverX(x: number): number {
  return x < 2.5 ? erfOverXSeries(x) : (1.0 - erfcFraction(x)) / x;
}
