/**
 * Closed forms (and one accurate quadrature) for the electrostatics of spherical charge distributions:
 * the potential of a normalized s-density at distance R, and the two-center Coulomb integral J(R)
 * between two normalized densities. These are the building blocks of the state-resolved
 * electrostatics of the ECT-EAM model (docs: shared/docs/ect-eam-model.md, section 3).
 *
 * Units: lengths in A, exponents in 1/A (Slater zeta) or 1/A^2 (Gaussian alpha). The per-electron
 * functions here are "geometric" (charge 1, Coulomb constant 1, so they are in 1/A); `coulombStatePair`
 * multiplies by k = 14.399645 eV*A/e^2 and the electron counts to give eV.
 *
 * Densities (each normalized to one electron):
 * - Gaussian s-density  (alpha/pi)^(3/2) exp(-alpha r^2)
 * - Slater s-density    (zeta^3/pi) exp(-2 zeta r)            (the square of a 1s Slater orbital)
 *
 * The potentials V and the integrals J are finite at R = 0 (their limits, from series); the
 * short-range parts v = 1/R - V and j = 1/R - J, and the state-pair remainder, are singular like 1/R.
 * Browser-safe (no Node imports).
 */
import type { DensityTerm, RbfType } from "./model-types.js";
import type { RadialFunction } from "./forms.js";

/** Coulomb constant k in eV*A/e^2 (LAMMPS `metal` qqr2e). */
export const COULOMB_K = 14.399645;

/** The shape of one radial basis function (a density term without its electron count). */
export interface RbfShape {
  type: RbfType;
  /** zeta in 1/A for "slater", alpha in 1/A^2 for "gaussian"; > 0. */
  exponent: number;
}

/** [value, d value / dR]. */
export type ValueAndDerivative = [number, number];

const SQRT_PI = 1.7724538509055159;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

// erf / erfc live in ../math/erf.ts (re-exported here for existing callers).
import { erf, erfc, erfOverX } from "../math/erf.js";
export { erf, erfc };

// ------------------------------------------------------------------------------------------------
// Potentials of single normalized densities
// ------------------------------------------------------------------------------------------------

/**
 * Potential (1/A, charge 1, k = 1) at distance R of a normalized Gaussian s-density of exponent alpha:
 * erf(sqrt(alpha) R)/R, with the limit 2 sqrt(alpha/pi) at R = 0.
 */
export function gaussianPotential(alpha: number, R: number): number {
  return gaussianPotentialD(alpha, R)[0];
}

/**
 * Potential at distance R of a normalized Slater s-density (zeta^3/pi) exp(-2 zeta r):
 * 1/R - exp(-2 zeta R)(zeta + 1/R), with the limit zeta at R = 0.
 */
export function slaterPotential(zeta: number, R: number): number {
  return slaterPotentialD(zeta, R)[0];
}

function gaussianPotentialD(alpha: number, R: number): ValueAndDerivative {
  const s = Math.sqrt(alpha);
  const y = s * R;
  const c = TWO_OVER_SQRT_PI * s; // 2 sqrt(alpha/pi)
  if (y < 1e-2) {
    // erf(y)/y = (2/sqrt(pi)) (1 - y^2/3 + y^4/10 - y^6/42 + ...)
    const y2 = y * y;
    const v = c * (1.0 - y2 / 3.0 + (y2 * y2) / 10.0 - (y2 * y2 * y2) / 42.0);
    const dv = c * s * (-2.0 * y / 3.0 + (4.0 * y2 * y) / 10.0 - (6.0 * y2 * y2 * y) / 42.0);
    return [v, dv];
  }
  const v = s * erfOverX(y);
  return [v, (c * Math.exp(-y * y) - v) / R];
}

function slaterPotentialD(zeta: number, R: number): ValueAndDerivative {
  const x = zeta * R;
  if (x < 1e-3) {
    // V/zeta = 1 - 2x^2/3 + 2x^3/3 - 2x^4/5 + 8x^5/45 - ...
    const x2 = x * x;
    const v = zeta * (1.0 - (2.0 * x2) / 3.0 + (2.0 * x2 * x) / 3.0 - (2.0 * x2 * x2) / 5.0);
    const dv = zeta * zeta * (-(4.0 * x) / 3.0 + 2.0 * x2 - (8.0 * x2 * x) / 5.0);
    return [v, dv];
  }
  const e = Math.exp(-2.0 * x);
  const v = (-Math.expm1(-2.0 * x) - x * e) / R; // (1 - e^{-2x}(1 + x))/R
  return [v, (zeta * e * (1.0 + 2.0 * x) - v) / R];
}

/** Potential V(R) (1/A) of one normalized RBF at distance R, and dV/dR. */
export function rbfPotential(s: RbfShape, R: number): ValueAndDerivative {
  return s.type === "slater" ? slaterPotentialD(s.exponent, R) : gaussianPotentialD(s.exponent, R);
}

/**
 * Short-range part v(R) = 1/R - V(R) of the potential of one normalized RBF (the screening deficit:
 * exp(-2 zeta R)(zeta + 1/R) for Slater, erfc(sqrt(alpha) R)/R for Gaussian), and dv/dR.
 * Singular like 1/R at R = 0 (a point charge sitting inside the cloud). Needs R > 0.
 */
export function rbfPotentialShortRange(s: RbfShape, R: number): ValueAndDerivative {
  if (s.type === "slater") {
    const z = s.exponent;
    const e = Math.exp(-2.0 * z * R);
    const iR = 1.0 / R;
    return [e * (z + iR), -e * (2.0 * z * z + 2.0 * z * iR + iR * iR)];
  }
  const sq = Math.sqrt(s.exponent);
  const y = sq * R;
  const v = erfc(y) / R;
  return [v, -(TWO_OVER_SQRT_PI * sq * Math.exp(-y * y) + v) / R];
}

// ------------------------------------------------------------------------------------------------
// Two-center Coulomb integrals J(R) between normalized densities
// ------------------------------------------------------------------------------------------------

/**
 * J(R) between two normalized Gaussian s-densities (exponents a, b): erf(sqrt(ab/(a+b)) R)/R;
 * J(0) = 2 sqrt(ab/(a+b)/pi).
 */
export function gaussianGaussianJ(a: number, b: number, R: number): number {
  return gaussianPotentialD((a * b) / (a + b), R)[0];
}

/**
 * J(R) between two normalized Slater s-densities (exponents a, b in 1/A), closed form (the 1s-1s
 * Coulomb integral, cf. Roothaan, J. Chem. Phys. 19, 1445 (1951); re-derived from the radial-shell
 * integral and checked against `shellCoulombIntegral` in the tests):
 * - a == b = z, x = zR:  J = (1/R) [1 - exp(-2x)(1 + 11x/8 + 3x^2/4 + x^3/6)];  J(0) = 5z/8
 * - a != b, D = a^2 - b^2:
 *   J = 1/R - [a^4 e^{-2bR}(bR D + a^2 - 3b^2) + b^4 e^{-2aR}(aR D + 3a^2 - b^2)] / (R D^3);
 *   J(0) = ab(a^2 + 3ab + b^2)/(a+b)^3.
 * Near-equal exponents (where the a != b form cancels) use an exact integral representation
 * evaluated by Gauss-Legendre quadrature; small R uses the series in R.
 */
export function slaterSlaterJ(a: number, b: number, R: number): number {
  return slaterSlaterJD(a, b, R)[0];
}

/**
 * J(R) between a normalized Gaussian s-density (alpha, 1/A^2) and a normalized Slater s-density
 * (zeta, 1/A), by adaptive Gauss-Kronrod quadrature of the radial-shell integral (relative accuracy
 * about 1e-12).
 */
export function gaussianSlaterJ(alpha: number, zeta: number, R: number): number {
  return shellCoulombIntegral({ type: "gaussian", exponent: alpha }, { type: "slater", exponent: zeta }, R)[0];
}

/**
 * Series of the Slater-Slater J at small R (any a, b), through R^7:
 * J = [ab(a^2+3ab+b^2) - (2/3)a^3b^3 R^2 + (2/15)a^4b^4 R^4 - (4/315)a^4b^4(a^2+3ab+b^2) R^6]/(a+b)^3
 *     + (2/315) a^4 b^4 R^7 + O(R^8).
 */
function slaterSlaterSeries(a: number, b: number, R: number): ValueAndDerivative {
  const s = a + b;
  const s3 = s * s * s;
  const ab = a * b;
  const ab2 = ab * ab;
  const ab4 = ab2 * ab2;
  const q = a * a + 3.0 * ab + b * b;
  const c0 = (ab * q) / s3;
  const c2 = (-2.0 / 3.0) * ((ab2 * ab) / s3);
  const c4 = (2.0 / 15.0) * (ab4 / s3);
  const c6 = (-4.0 / 315.0) * ((ab4 * q) / s3);
  const c7 = (2.0 / 315.0) * ab4;
  const R2 = R * R;
  const v = c0 + R2 * (c2 + R2 * (c4 + R2 * (c6 + R * c7)));
  const d = R * (2.0 * c2 + R2 * (4.0 * c4 + R2 * (6.0 * c6 + 7.0 * R * c7)));
  return [v, d];
}

/** Short-range part j = 1/R - J of the Slater-Slater integral and dj/dR (R > 0). */
function slaterSlaterShortRange(a: number, b: number, R: number): ValueAndDerivative {
  const rel = Math.abs(a - b) / (a + b);
  if (rel === 0) {
    const z = a;
    const x = z * R;
    const e = Math.exp(-2.0 * x);
    const poly = 1.0 + x * (11.0 / 8.0 + x * (3.0 / 4.0 + x / 6.0));
    const j = (e * poly) / R;
    // d/dR = z^2 * (-2x^4 - 7x^3 - 12x^2 - 12x - 6) e^{-2x} / (6 x^2)
    const dj = (-e * (6.0 + x * (12.0 + x * (12.0 + x * (7.0 + 2.0 * x))))) / (6.0 * R * R);
    return [j, dj];
  }
  if (rel < 0.05) return slaterSlaterNearEqual(a, b, R);
  const a2 = a * a;
  const b2 = b * b;
  const D = a2 - b2;
  const D3 = D * D * D;
  const ea = Math.exp(-2.0 * a * R);
  const eb = Math.exp(-2.0 * b * R);
  const a4 = a2 * a2;
  const b4 = b2 * b2;
  const j = (a4 * eb * (b * R * D + a2 - 3.0 * b2) + b4 * ea * (a * R * D + 3.0 * a2 - b2)) / (R * D3);
  const R2 = R * R;
  const b6 = b4 * b2;
  const a6 = a4 * a2;
  const dja =
    -2.0 * R2 * a4 * b4 + 2.0 * R2 * a2 * b6 - 6.0 * R * a2 * a * b4 + 2.0 * R * a * b6 - 3.0 * a2 * b4 + b6;
  const djb =
    -2.0 * R2 * a6 * b2 + 2.0 * R2 * a4 * b4 - 2.0 * R * a6 * b + 6.0 * R * a4 * b2 * b - a6 + 3.0 * a4 * b2;
  return [j, (ea * dja + eb * djb) / (R2 * D3)];
}

// 20-point Gauss-Legendre rule on [0, 1], computed once (Newton on the Legendre recurrence).
const GL_N = 20;
const GL_X = new Float64Array(GL_N);
const GL_W = new Float64Array(GL_N);
(function initGaussLegendre() {
  const n = GL_N;
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1.0;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1.0);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    GL_X[i] = 0.5 * (1.0 - x);
    GL_W[i] = 1.0 / ((1.0 - x * x) * dp * dp); // (2/((1-x^2)P'^2)) / 2
  }
})();

/**
 * Slater-Slater short-range part for nearly equal exponents. With A = 4a^2, B = 4b^2 and
 * H(c) = exp(-sqrt(c) R)/(c R) (Fourier representation of the densities, partial fractions in k^2),
 * j(R) = -A^2 B^2 Int_0^1 t(1-t) H'''(A + t(B-A)) dt, where
 * H'''(sigma^2) = -(x^3 + 9x^2 + 33x + 48) e^{-x} / (8 R sigma^8), x = sigma R.
 * The integrand is smooth, so 20-point Gauss-Legendre is exact to rounding.
 */
function slaterSlaterNearEqual(a: number, b: number, R: number): ValueAndDerivative {
  const A = 4.0 * a * a;
  const B = 4.0 * b * b;
  let j = 0.0;
  let dj = 0.0;
  for (let i = 0; i < GL_N; i++) {
    const t = GL_X[i];
    const c = A + t * (B - A);
    const sigma = Math.sqrt(c);
    const x = sigma * R;
    const e = Math.exp(-x);
    const s8 = c * c * c * c;
    const w = GL_W[i] * t * (1.0 - t);
    j += (w * (48.0 + x * (33.0 + x * (9.0 + x))) * e) / s8;
    dj -= (w * (48.0 + x * (48.0 + x * (24.0 + x * (7.0 + x)))) * e) / s8;
  }
  const f = (A * A * B * B) / 8.0;
  return [(f * j) / R, (f * dj) / (R * R)];
}

function slaterSlaterJD(a: number, b: number, R: number): ValueAndDerivative {
  if (R * Math.max(a, b) < 1e-2) return slaterSlaterSeries(a, b, R);
  const [j, dj] = slaterSlaterShortRange(a, b, R);
  return [1.0 / R - j, -1.0 / (R * R) - dj];
}

/**
 * Two-center Coulomb integral J(R) (1/A) between two normalized RBF densities and dJ/dR; finite at
 * R = 0 (the self-interaction of overlapping clouds). Gaussian-Gaussian and Slater-Slater are closed
 * forms; Gaussian-Slater is `shellCoulombIntegral`.
 */
export function rbfCoulombIntegral(s: RbfShape, t: RbfShape, R: number): ValueAndDerivative {
  if (s.type === "gaussian" && t.type === "gaussian") {
    return gaussianPotentialD((s.exponent * t.exponent) / (s.exponent + t.exponent), R);
  }
  if (s.type === "slater" && t.type === "slater") return slaterSlaterJD(s.exponent, t.exponent, R);
  return s.type === "gaussian" ? shellCoulombIntegral(s, t, R) : shellCoulombIntegral(t, s, R);
}

/**
 * Short-range part j(R) = 1/R - J(R) of the two-center integral, and dj/dR (R > 0; ~1/R at R -> 0).
 * Computed without the cancellation of 1/R - J for the closed forms (Gaussian-Gaussian via erfc,
 * Slater-Slater directly); the Gaussian-Slater quadrature gives 1/R - J to ~1e-12/R absolute.
 */
export function rbfCoulombIntegralShortRange(s: RbfShape, t: RbfShape, R: number): ValueAndDerivative {
  if (s.type === "gaussian" && t.type === "gaussian") {
    return rbfPotentialShortRange({ type: "gaussian", exponent: (s.exponent * t.exponent) / (s.exponent + t.exponent) }, R);
  }
  if (s.type === "slater" && t.type === "slater") return slaterSlaterShortRange(s.exponent, t.exponent, R);
  const [J, dJ] = rbfCoulombIntegral(s, t, R);
  return [1.0 / R - J, -1.0 / (R * R) - dJ];
}

// ------------------------------------------------------------------------------------------------
// Radial-shell quadrature of J (any pair of shapes)
// ------------------------------------------------------------------------------------------------

/**
 * Short-range part w(u) = W(u) - u of the antiderivative W of u V(u), V the potential of a normalized
 * RBF (W(|u|) enters the shell average): Slater e^{-2zu}(u/2 + 3/(4z)); Gaussian
 * e^{-alpha u^2}/sqrt(pi alpha) - u erfc(sqrt(alpha) u).
 */
function shellWShort(s: RbfShape, u: number): number {
  if (s.type === "slater") {
    const z = s.exponent;
    return Math.exp(-2.0 * z * u) * (0.5 * u + 0.75 / z);
  }
  const q = Math.sqrt(s.exponent);
  return Math.exp(-s.exponent * u * u) / (SQRT_PI * q) - u * erfc(q * u);
}

/** 1 - W'(u) = 1 - u V(u): Slater e^{-2zu}(zu + 1), Gaussian erfc(sqrt(alpha) u). */
function shellWpShort(s: RbfShape, u: number): number {
  if (s.type === "slater") {
    const z = s.exponent;
    return Math.exp(-2.0 * z * u) * (z * u + 1.0);
  }
  return erfc(Math.sqrt(s.exponent) * u);
}

/** W'(u) = u V(u). */
function shellWp(s: RbfShape, u: number): number {
  if (s.type === "slater") {
    const z = s.exponent;
    return -Math.expm1(-2.0 * z * u) - z * u * Math.exp(-2.0 * z * u);
  }
  return erf(Math.sqrt(s.exponent) * u);
}

/** W'''(u)/u (finite at 0). */
function shellW3OverU(s: RbfShape, u: number): number {
  if (s.type === "slater") {
    const z = s.exponent;
    return -4.0 * z * z * z * Math.exp(-2.0 * z * u);
  }
  const a = s.exponent;
  return -4.0 * a * Math.sqrt(a) * INV_SQRT_PI * Math.exp(-a * u * u);
}

/** Normalized density of one RBF at r (1/A^3). */
function rbfDensityValue(t: RbfShape, r: number): number {
  if (t.type === "slater") {
    const z = t.exponent;
    return ((z * z * z) / Math.PI) * Math.exp(-2.0 * z * r);
  }
  const a = t.exponent;
  const c = a / Math.PI;
  return c * Math.sqrt(c) * Math.exp(-a * r * r);
}

/** Radius beyond which the density t and its moments are negligible (< 1e-18 relative). */
function rbfExtent(t: RbfShape): number {
  return t.type === "slater" ? 50.0 / (2.0 * t.exponent) : Math.sqrt(45.0 / t.exponent);
}

/** Inverse length scale of an RBF (zeta or sqrt(alpha)). */
function rbfScale(t: RbfShape): number {
  return t.type === "slater" ? t.exponent : Math.sqrt(t.exponent);
}

// Gauss-Kronrod 7-15 nodes and weights on [-1, 1] (QUADPACK qk15).
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
];
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [
  0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327,
];

interface Panel {
  a: number;
  b: number;
  /** K15 estimate of each component on [a, b]. */
  v: Float64Array;
  /** |K15 - G7| of each component. */
  errs: Float64Array;
  /** K15 estimate of the integral of |f| of each component. */
  abs: Float64Array;
}

/**
 * Globally adaptive Gauss-Kronrod (7-15) integration of a vector integrand with `ncomp` components on
 * [a, b]. The error estimate of each component is |K15 - G7| (pessimistic for smooth integrands);
 * the panel with the largest estimate relative to the tolerance is bisected until the summed estimate
 * of every component is below relTol * Int|f| + absTol (or `maxPanels` is reached). The tolerance is
 * relative to the integral of |f| so that a component whose integral cancels to ~0 still converges.
 * `breaks` (inside (a, b), increasing) start the subdivision there (kinks of the integrand).
 * @internal exported for tests
 */
export function integrateGK(
  f: (x: number, out: Float64Array) => void,
  ncomp: number,
  a: number,
  b: number,
  relTol = 1e-13,
  absTol = 1e-300,
  maxPanels = 2000,
  breaks: readonly number[] = [],
): Float64Array {
  const tmp = new Float64Array(ncomp);
  const panel = (lo: number, hi: number): Panel => {
    const c = 0.5 * (lo + hi);
    const h = 0.5 * (hi - lo);
    const k = new Float64Array(ncomp);
    const g = new Float64Array(ncomp);
    const abs = new Float64Array(ncomp);
    const add = (x: number, i: number) => {
      f(x, tmp);
      for (let m = 0; m < ncomp; m++) {
        k[m] += WGK[i] * tmp[m];
        abs[m] += WGK[i] * Math.abs(tmp[m]);
        if (i % 2 === 1) g[m] += WG[(i - 1) / 2] * tmp[m];
      }
    };
    for (let i = 0; i < 7; i++) {
      add(c - h * XGK[i], i);
      add(c + h * XGK[i], i);
    }
    add(c, 7);
    const errs = new Float64Array(ncomp);
    for (let m = 0; m < ncomp; m++) {
      k[m] *= h;
      g[m] *= h;
      abs[m] *= Math.abs(h);
      errs[m] = Math.abs(k[m] - g[m]);
    }
    return { a: lo, b: hi, v: k, errs, abs };
  };
  const edges = [a, ...breaks.filter((x) => x > a && x < b), b];
  const panels: Panel[] = [];
  for (let i = 0; i + 1 < edges.length; i++) panels.push(panel(edges[i], edges[i + 1]));
  const total = new Float64Array(ncomp);
  const totalErr = new Float64Array(ncomp);
  const totalAbs = new Float64Array(ncomp);
  const tol = new Float64Array(ncomp);
  for (;;) {
    total.fill(0);
    totalErr.fill(0);
    totalAbs.fill(0);
    for (const p of panels) {
      for (let m = 0; m < ncomp; m++) {
        total[m] += p.v[m];
        totalErr[m] += p.errs[m];
        totalAbs[m] += p.abs[m];
      }
    }
    let done = true;
    for (let m = 0; m < ncomp; m++) {
      tol[m] = relTol * totalAbs[m] + absTol;
      if (totalErr[m] > tol[m]) done = false;
    }
    if (done || panels.length >= maxPanels) return total;
    let worst = 0;
    let worstScore = -1;
    for (let i = 0; i < panels.length; i++) {
      let score = 0;
      for (let m = 0; m < ncomp; m++) score = Math.max(score, panels[i].errs[m] / tol[m]);
      if (score > worstScore) {
        worstScore = score;
        worst = i;
      }
    }
    const p = panels[worst];
    const mid = 0.5 * (p.a + p.b);
    panels.splice(worst, 1, panel(p.a, mid), panel(mid, p.b));
  }
}

/**
 * J(R) and dJ/dR between normalized RBF densities s and t by quadrature of the radial-shell integral
 *   J(R) = (2 pi / R) Int_0^inf r rho_t(r) [W_s(R + r) - W_s(|R - r|)] dr,
 * with W_s the antiderivative of u V_s(u) (V_s the potential of s), split at r = R (where |R - r| has
 * a kink) and integrated by adaptive Gauss-Kronrod to `relTol` (of the integral of |integrand|; the
 * |K15 - G7| estimate is pessimistic, actual errors are ~1e-15 relative). For R max(scale) < 1e-3 it uses
 * J(R) = J(0) + J2 R^2 with J(0) = Int 4 pi r^2 rho_t V_s and J2 = (1/6) Int 4 pi r^2 rho_t W_s'''/r.
 * Any pair of shapes; used for Gaussian-Slater and to check the closed forms.
 */
export function shellCoulombIntegral(s: RbfShape, t: RbfShape, R: number, relTol = 1e-12): ValueAndDerivative {
  const rmax = rbfExtent(t);
  const scale = Math.max(rbfScale(s), rbfScale(t));
  if (R * scale < 1e-3) {
    const res = integrateGK(
      (r, out) => {
        const w = 4.0 * Math.PI * r * rbfDensityValue(t, r);
        out[0] = w * shellWp(s, r); // 4 pi r^2 rho V(r) = 4 pi r rho W'(r)
        out[1] = (w * r * shellW3OverU(s, r)) / 6.0;
      },
      2,
      0,
      rmax,
      relTol,
    );
    return [res[0] + res[1] * R * R, 2.0 * res[1] * R];
  }
  // W(R+r) - W(|R-r|) = 2 min(R, r) + w(R+r) - w(|R-r|) and
  // W'(R+r) - sgn(R-r) W'(|R-r|) = (r < R ? 0 : 2) - s(R+r) + sgn(R-r) s(|R-r|) with the short-range
  // parts w = W - u and s = 1 - W', so that the large linear parts cancel exactly.
  const integrand = (r: number, out: Float64Array) => {
    const w = 2.0 * Math.PI * r * rbfDensityValue(t, r);
    const d = R - r;
    const ad = Math.abs(d);
    out[0] = w * (2.0 * Math.min(R, r) + shellWShort(s, R + r) - shellWShort(s, ad));
    out[1] = w * ((d > 0 ? 0.0 : 2.0) - shellWpShort(s, R + r) + Math.sign(d) * shellWpShort(s, ad));
  };
  // one adaptive run over both pieces, so that the tolerance is relative to the whole integral
  const acc = R < rmax ? integrateGK(integrand, 2, 0, R + rmax, relTol, 1e-300, 2000, [R]) : integrateGK(integrand, 2, 0, rmax, relTol);
  const J = acc[0] / R;
  return [J, (acc[1] - J) / R];
}

// ------------------------------------------------------------------------------------------------
// State-resolved Coulomb interaction
// ------------------------------------------------------------------------------------------------

/** A state as a charge distribution: point core +Z at the nucleus minus the valence density terms. */
export interface ChargeDistribution {
  /** Core charge Z_A (e). */
  Z: number;
  /** Valence density terms; electron counts sum to N_AM. */
  density: readonly DensityTerm[];
}

/** Net charge Q = Z - sum of term electrons. */
export function netCharge(c: ChargeDistribution): number {
  let n = 0;
  for (const t of c.density) n += t.electrons;
  return c.Z - n;
}

/** Interaction of two state charge distributions (eV, A). */
export interface StatePairCoulomb {
  /** U(R) = k [Z_A Z_B/R - Z_A V_B - Z_B V_A + J_AB], eV (singular ~1/R at R -> 0). */
  full: RadialFunction;
  /**
   * u(R) = U(R) - k Q_A Q_B / R, the short-ranged remainder (eV), evaluated as
   * k [Z_A sum_t N_t v_t + Z_B sum_s N_s v_s - sum_st N_s N_t j_st] with v = 1/R - V and j = 1/R - J,
   * so that no 1/R cancels. Singular ~1/R at R -> 0 unless a core charge is zero.
   */
  remainder: RadialFunction;
  /** Q_A, Q_B (e). */
  charges: [number, number];
}

/**
 * Coulomb interaction U_{AM,BM'}(R) of two states (each n(r) = Z delta(r) - rho(r)) and its short-ranged
 * remainder u = U - k Q Q'/R. Linear in the density terms: V and J are sums over the RBF terms.
 * @param k Coulomb constant (default 14.399645 eV*A/e^2)
 */
export function coulombStatePair(A: ChargeDistribution, B: ChargeDistribution, k = COULOMB_K): StatePairCoulomb {
  const QA = netCharge(A);
  const QB = netCharge(B);
  const remainderD = (R: number): ValueAndDerivative => {
    let v = 0;
    let d = 0;
    if (A.Z !== 0) {
      for (const t of B.density) {
        const [x, dx] = rbfPotentialShortRange(t, R);
        v += A.Z * t.electrons * x;
        d += A.Z * t.electrons * dx;
      }
    }
    if (B.Z !== 0) {
      for (const s of A.density) {
        const [x, dx] = rbfPotentialShortRange(s, R);
        v += B.Z * s.electrons * x;
        d += B.Z * s.electrons * dx;
      }
    }
    for (const s of A.density) {
      for (const t of B.density) {
        const [x, dx] = rbfCoulombIntegralShortRange(s, t, R);
        v -= s.electrons * t.electrons * x;
        d -= s.electrons * t.electrons * dx;
      }
    }
    return [k * v, k * d];
  };
  const remainder: RadialFunction = {
    value: (R) => remainderD(R)[0],
    derivative: (R) => remainderD(R)[1],
  };
  const full: RadialFunction = {
    value: (R) => remainderD(R)[0] + (k * QA * QB) / R,
    derivative: (R) => remainderD(R)[1] - (k * QA * QB) / (R * R),
  };
  return { full, remainder, charges: [QA, QB] };
}
