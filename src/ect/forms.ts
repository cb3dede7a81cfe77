/**
 * The analytic forms chosen for the ECT-EAM model (docs: shared/docs/ect-eam-model.md, "chosen"),
 * each behind the small `RadialFunction` interface so that a published form can replace it:
 * - the smooth cutoff taper shared by every radial function,
 * - embedding functions F_AM(rhobar) (zero, Baskes a x ln x, Finnis-Sinclair-like -a sqrt, natural spline),
 * - pair functions phi_AB(r) (zero, Born-Mayer, Morse),
 * - the resonance coupling h_AB(r) = -h0 exp(-kappa r) or Olson-Smith-Bauer's from I and A,
 * - state densities rho_AM(r) as sums of Slater and Gaussian s-functions.
 *
 * Units: r in A, rhobar and densities in e/A^3, energies in eV. Browser-safe.
 */
import type { DensityTerm, EmbeddingSpec, PairSpec, ResonanceSpec } from "./model-types.js";

/** A function of one variable with its first derivative (r in A or rhobar in e/A^3). */
export interface RadialFunction {
  value(x: number): number;
  derivative(x: number): number;
}

/** The smooth cutoff: a RadialFunction that is 1 below cutoff - width and 0 from cutoff on. */
export interface Taper extends RadialFunction {
  readonly cutoff: number;
  readonly width: number;
  secondDerivative(r: number): number;
}

/** The constant zero function (F = 0, phi = 0, an empty density). */
export const ZERO: RadialFunction = { value: () => 0, derivative: () => 0 };

// ------------------------------------------------------------------------------------------------
// Taper
// ------------------------------------------------------------------------------------------------

/**
 * C2 quintic smoothstep taper (chosen): S(t) = 1 - 10 t^3 + 15 t^4 - 6 t^5 with
 * t = (r - (cutoff - width))/width clamped to [0, 1]. S, S' and S'' are continuous everywhere
 * (S' and S'' vanish at both ends); S = 1 for r <= cutoff - width and 0 for r >= cutoff.
 * @param cutoff r where the function reaches 0 (A), > width
 * @param width  taper width (A), > 0
 */
export function smoothCutoff(cutoff: number, width: number): Taper {
  if (!(width > 0) || !(cutoff > width)) {
    throw new RangeError(`smoothCutoff needs cutoff > width > 0, got cutoff ${cutoff}, width ${width}`);
  }
  const start = cutoff - width;
  const tOf = (r: number) => Math.min(1, Math.max(0, (r - start) / width));
  return {
    cutoff,
    width,
    value(r) {
      const t = tOf(r);
      return 1 - t * t * t * (10 - t * (15 - 6 * t));
    },
    derivative(r) {
      const t = tOf(r);
      const u = t * (1 - t);
      return (-30 * u * u) / width;
    },
    secondDerivative(r) {
      const t = tOf(r);
      return (-60 * t * (1 - t) * (1 - 2 * t)) / (width * width);
    },
  };
}

/** f(r) * taper(r), with the product rule for the derivative. */
export function tapered(f: RadialFunction, taper: Taper): RadialFunction {
  return {
    value: (r) => (r >= taper.cutoff ? 0 : f.value(r) * taper.value(r)),
    derivative: (r) => (r >= taper.cutoff ? 0 : f.derivative(r) * taper.value(r) + f.value(r) * taper.derivative(r)),
  };
}

/** f evaluated at max(x, xMin): constant below xMin (keeps singular functions finite on a table). */
export function clampedBelow(f: RadialFunction, xMin: number): RadialFunction {
  return {
    value: (x) => f.value(Math.max(x, xMin)),
    derivative: (x) => (x < xMin ? 0 : f.derivative(x)),
  };
}

// ------------------------------------------------------------------------------------------------
// Embedding functions F(rhobar), F(0) = 0
// ------------------------------------------------------------------------------------------------

/**
 * Baskes (MEAM) embedding F = a x ln x with x = rhobar/rho0; F(0) = 0, minimum -a/e at x = 1/e for
 * a > 0. F'(rhobar) = (a/rho0)(ln x + 1) diverges logarithmically at rhobar -> 0 (returned as
 * -sign(a) * Infinity at rhobar <= 0; rhobar < 0 is treated as 0).
 */
export function baskesEmbedding(a: number, rho0: number): RadialFunction {
  return {
    value(rho) {
      if (!(rho > 0)) return 0;
      const x = rho / rho0;
      return a * x * Math.log(x);
    },
    derivative(rho) {
      if (!(rho > 0)) return a === 0 ? 0 : -Math.sign(a) * Infinity;
      return (a / rho0) * (Math.log(rho / rho0) + 1);
    },
  };
}

/**
 * Finnis-Sinclair-like embedding F = -a sqrt(rhobar); F(0) = 0, F' = -a/(2 sqrt(rhobar)) (infinite at 0;
 * rhobar < 0 is treated as 0).
 */
export function sqrtEmbedding(a: number): RadialFunction {
  return {
    value: (rho) => (rho > 0 ? -a * Math.sqrt(rho) : 0),
    derivative: (rho) => (rho > 0 ? -a / (2 * Math.sqrt(rho)) : a === 0 ? 0 : -Math.sign(a) * Infinity),
  };
}

/**
 * Natural cubic spline through points (x_i, y_i), x strictly increasing, n >= 2 (n = 2 is a line).
 * Outside [x_0, x_{n-1}] it continues linearly with the end slopes (C2, since a natural spline has zero
 * curvature at its ends).
 */
export function naturalCubicSpline(points: ReadonlyArray<readonly [number, number]>): RadialFunction {
  const n = points.length;
  if (n < 2) throw new RangeError(`naturalCubicSpline needs at least 2 points, got ${n}`);
  const x = points.map((p) => p[0]);
  const y = points.map((p) => p[1]);
  for (let i = 1; i < n; i++) {
    if (!(x[i] > x[i - 1])) throw new RangeError("naturalCubicSpline needs strictly increasing x");
  }
  // Second derivatives M_i: tridiagonal system with M_0 = M_{n-1} = 0 (Thomas algorithm).
  const M = new Float64Array(n);
  if (n > 2) {
    const m = n - 2;
    const diag = new Float64Array(m);
    const upper = new Float64Array(m);
    const rhs = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const i = k + 1;
      const h0 = x[i] - x[i - 1];
      const h1 = x[i + 1] - x[i];
      diag[k] = 2 * (h0 + h1);
      upper[k] = h1;
      rhs[k] = 6 * ((y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0);
    }
    for (let k = 1; k < m; k++) {
      const lower = x[k + 1] - x[k]; // h0 of row k
      const w = lower / diag[k - 1];
      diag[k] -= w * upper[k - 1];
      rhs[k] -= w * rhs[k - 1];
    }
    M[m] = rhs[m - 1] / diag[m - 1];
    for (let k = m - 2; k >= 0; k--) M[k + 1] = (rhs[k] - upper[k] * M[k + 2]) / diag[k];
  }
  const slopeAt = (i: number, side: "left" | "right") => {
    // derivative at knot i from interval [i, i+1] (right) or [i-1, i] (left)
    if (side === "right") {
      const h = x[i + 1] - x[i];
      return (y[i + 1] - y[i]) / h - (h * (2 * M[i] + M[i + 1])) / 6;
    }
    const h = x[i] - x[i - 1];
    return (y[i] - y[i - 1]) / h + (h * (M[i - 1] + 2 * M[i])) / 6;
  };
  const s0 = slopeAt(0, "right");
  const s1 = slopeAt(n - 1, "left");
  const locate = (v: number) => {
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= v) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return {
    value(v) {
      if (v <= x[0]) return y[0] + s0 * (v - x[0]);
      if (v >= x[n - 1]) return y[n - 1] + s1 * (v - x[n - 1]);
      const i = locate(v);
      const h = x[i + 1] - x[i];
      const a = (x[i + 1] - v) / h;
      const b = (v - x[i]) / h;
      return a * y[i] + b * y[i + 1] + (((a * a * a - a) * M[i] + (b * b * b - b) * M[i + 1]) * h * h) / 6;
    },
    derivative(v) {
      if (v <= x[0]) return s0;
      if (v >= x[n - 1]) return s1;
      const i = locate(v);
      const h = x[i + 1] - x[i];
      const a = (x[i + 1] - v) / h;
      const b = (v - x[i]) / h;
      return (y[i + 1] - y[i]) / h + ((-(3 * a * a - 1) * M[i] + (3 * b * b - 1) * M[i + 1]) * h) / 6;
    },
  };
}

/** The embedding function F_AM(rhobar) (eV) of a model's embedding spec. */
export function embeddingFunction(spec: EmbeddingSpec): RadialFunction {
  switch (spec.form) {
    case "zero":
      return ZERO;
    case "baskes":
      return baskesEmbedding(spec.a, spec.rho0);
    case "sqrt":
      return sqrtEmbedding(spec.a);
    case "spline":
      return naturalCubicSpline(spec.points);
  }
}

// ------------------------------------------------------------------------------------------------
// Pair functions phi(r) and resonance h(r)
// ------------------------------------------------------------------------------------------------

/**
 * Born-Mayer repulsion phi = A exp(-r/rho) (eV), plus an optional second exponential
 * A2 exp(-r/rho2): an overlap repulsion whose steepness changes with distance (a compressible
 * anion is soft at the crystal's contact distance and hard closer in, where a molecule sits).
 */
export function bornMayer(A: number, rho: number, A2 = 0, rho2 = 1): RadialFunction {
  return {
    value: (r) => A * Math.exp(-r / rho) + A2 * Math.exp(-r / rho2),
    derivative: (r) => (-A / rho) * Math.exp(-r / rho) - (A2 / rho2) * Math.exp(-r / rho2),
  };
}

/** Morse phi = D (exp(-2 alpha (r - r0)) - 2 exp(-alpha (r - r0))) (eV); minimum -D at r0. */
export function morse(D: number, alpha: number, r0: number): RadialFunction {
  return {
    value(r) {
      const e = Math.exp(-alpha * (r - r0));
      return D * (e * e - 2 * e);
    },
    derivative(r) {
      const e = Math.exp(-alpha * (r - r0));
      return -2 * alpha * D * (e * e - e);
    },
  };
}

/** The pair function phi_AB(r) (eV, untapered) of a model's pair spec. */
export function pairFunction(spec: PairSpec): RadialFunction {
  switch (spec.form) {
    case "zero":
      return ZERO;
    case "born-mayer":
      return bornMayer(spec.A, spec.rho, spec.A2, spec.rho2);
    case "morse":
      return morse(spec.D, spec.alpha, spec.r0);
  }
}

/** Whether a coupling is switched on (an exponential with h0 = 0 is off). */
export function resonanceIsOn(spec: ResonanceSpec): boolean {
  return spec.form === "exponential" ? spec.h0 !== 0 : spec.scale !== 0;
}

/** Hartree in eV and bohr in A (CODATA 2018), for the Olson-Smith-Bauer coupling's atomic units. */
const HARTREE_EV = 27.211386245988;
const BOHR_A = 0.529177210903;

/**
 * Resonance coupling h(r) (eV, untapered): -h0 exp(-kappa r) (after Valone and Atlas 2004), or the
 * Olson-Smith-Bauer form -scale sqrt(I A) 1.044 R* exp(-0.857 R*), R* = r (sqrt(2 I) + sqrt(2 A)) / 2
 * with I, A in hartree and r in bohr (model-types.ts says why).
 */
export function resonanceFunction(spec: ResonanceSpec): RadialFunction {
  if (spec.form === "olson-smith-bauer") {
    const i = spec.ionization / HARTREE_EV, a = spec.affinity / HARTREE_EV;
    const k = (Math.sqrt(2 * i) + Math.sqrt(2 * a)) / (2 * BOHR_A); // R* per A
    const c = spec.scale * Math.sqrt(i * a) * 1.044 * HARTREE_EV; // eV
    return {
      value: (r) => -c * k * r * Math.exp(-0.857 * k * r),
      derivative: (r) => -c * k * (1 - 0.857 * k * r) * Math.exp(-0.857 * k * r),
    };
  }
  const { h0, kappa } = spec;
  return {
    value: (r) => -h0 * Math.exp(-kappa * r),
    derivative: (r) => h0 * kappa * Math.exp(-kappa * r),
  };
}

// ------------------------------------------------------------------------------------------------
// State densities
// ------------------------------------------------------------------------------------------------

/**
 * Spherical state density rho(r) = sum_t N_t g_t(r) (e/A^3) with normalized RBFs
 * Slater (zeta^3/pi) exp(-2 zeta r) and Gaussian (alpha/pi)^(3/2) exp(-alpha r^2).
 */
export function rbfDensity(terms: readonly DensityTerm[]): RadialFunction {
  if (terms.length === 0) return ZERO;
  const items = terms.map((t) => {
    const e = t.exponent;
    if (t.type === "slater") return { slater: true, e, c: (t.electrons * e * e * e) / Math.PI };
    const q = e / Math.PI;
    return { slater: false, e, c: t.electrons * q * Math.sqrt(q) };
  });
  return {
    value(r) {
      let v = 0;
      for (const it of items) v += it.slater ? it.c * Math.exp(-2 * it.e * r) : it.c * Math.exp(-it.e * r * r);
      return v;
    },
    derivative(r) {
      let d = 0;
      for (const it of items) {
        d += it.slater ? -2 * it.e * it.c * Math.exp(-2 * it.e * r) : -2 * it.e * r * it.c * Math.exp(-it.e * r * r);
      }
      return d;
    },
  };
}

/** Mean radius <r> of a normalized RBF (A): 3/(2 zeta) for Slater, 2/sqrt(pi alpha) for Gaussian. */
export function rbfMeanRadius(t: { type: "slater" | "gaussian"; exponent: number }): number {
  return t.type === "slater" ? 1.5 / t.exponent : 2 / Math.sqrt(Math.PI * t.exponent);
}
