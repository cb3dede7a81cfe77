/**
 * Minimizes the bond-transfer energy over the channel (and reservoir) amplitudes: limited-memory
 * BFGS with a backtracking line search that keeps every neutral weight >= 0. The optimum lies inside
 * that set whenever an atom has a bond with a coupling (the fourth roots of the couplings have an
 * infinite slope at w0 = 0), so the bound only ever stops trial steps. The reservoir amplitudes of a
 * charged system live on the sphere sum_i r_i = |Q|: their gradient is projected onto its tangent
 * plane and every trial point is scaled back onto it.
 *
 * Browser-safe; no wasm. The caller provides the mean-field system (the engine's kernels).
 */
import { transferEnergy, weightsFromVariables, type MeanFieldSystem, type TransferProblem, TransferWork } from "./transfer-energy.js";

export interface TransferSolveOptions {
  /** Convergence: largest |dE/dx| over the variables (eV per unit amplitude). */
  tolerance: number;
  /** Iterations allowed (one energy evaluation each, plus line-search backtracks). */
  maxIterations: number;
  /** Pairs of the L-BFGS history (default 12). */
  memory?: number;
  /** Largest change of one amplitude in a step (default 0.25). */
  maxStep?: number;
}

export interface TransferSolveResult {
  converged: boolean;
  iterations: number;
  /** Energy evaluations, line-search trials included. */
  evaluations: number;
  /** Energy at the returned variables (eV). */
  energy: number;
  /** Largest |dE/dx| there (projected). */
  gradient: number;
}

/** Projects the reservoir block of g onto the tangent plane of its sphere (zeroes it when Q = 0). */
function project(p: TransferProblem, x: Float64Array, g: Float64Array, start: number): void {
  const n = x.length;
  if (p.charge === 0) {
    for (let k = start; k < n; k++) g[k] = 0;
    return;
  }
  let gx = 0, xx = 0;
  for (let k = start; k < n; k++) {
    gx += g[k] * x[k];
    xx += x[k] * x[k];
  }
  if (xx > 0) for (let k = start; k < n; k++) g[k] -= (gx / xx) * x[k];
}

/** Scales the reservoir amplitudes back onto sum r^2 = |Q|. */
export function retractReservoir(p: TransferProblem, x: Float64Array, start: number): void {
  if (p.charge === 0) return;
  let xx = 0;
  for (let k = start; k < x.length; k++) xx += x[k] * x[k];
  if (!(xx > 0)) {
    const v = Math.sqrt(Math.abs(p.charge) / (x.length - start));
    for (let k = start; k < x.length; k++) x[k] = v;
    return;
  }
  const s = Math.sqrt(Math.abs(p.charge) / xx);
  for (let k = start; k < x.length; k++) x[k] *= s;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let k = 0; k < v.length; k++) {
    const a = Math.abs(v[k]);
    if (a > m) m = a;
  }
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/**
 * Minimizes E over x in place (x must be feasible). On return the mean-field system was last
 * evaluated at the returned x (so its forces and charges belong to it).
 */
export function minimizeTransfer(p: TransferProblem, mf: MeanFieldSystem, x: Float64Array, opts: TransferSolveOptions, work?: TransferWork): TransferSolveResult {
  const nb = p.bonds.count, n = mf.atoms;
  const nv = x.length;
  const resStart = 2 * nb;
  const wk = work ?? new TransferWork(n, nb);
  const memory = opts.memory ?? 12;
  const maxStep = opts.maxStep ?? 0.25;
  retractReservoir(p, x, resStart);
  const g = new Float64Array(nv), gNew = new Float64Array(nv), d = new Float64Array(nv), xNew = new Float64Array(nv);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const alphaH = new Float64Array(memory);
  let evaluations = 1;
  let e = transferEnergy(p, mf, x, g, wk);
  project(p, x, g, resStart);
  let gmax = maxAbs(g);
  let it = 0;
  let lastAt: Float64Array | null = null; // where the mean field was last evaluated, when not at x
  for (; it < opts.maxIterations && gmax > opts.tolerance; it++) {
    // Two-loop recursion: d = -H g.
    d.set(g);
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m] * dot(S[m], d);
      alphaH[m] = a;
      for (let k = 0; k < nv; k++) d[k] -= a * Y[m][k];
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let k = 0; k < nv; k++) d[k] *= gamma;
    }
    for (let m = 0; m < S.length; m++) {
      const bta = rho[m] * dot(Y[m], d);
      for (let k = 0; k < nv; k++) d[k] += S[m][k] * (alphaH[m] - bta);
    }
    for (let k = 0; k < nv; k++) d[k] = -d[k];
    project(p, x, d, resStart);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (a curvature pair went bad): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let k = 0; k < nv; k++) d[k] = -g[k];
      slope = dot(g, d);
    }
    let step = 1;
    const dmax = maxAbs(d);
    if (dmax * step > maxStep) step = maxStep / dmax;
    if (S.length === 0 && dmax * step > 0.05) step = 0.05 / dmax;
    let accepted = false;
    let eNew = e;
    for (let tries = 0; tries < 60; tries++) {
      for (let k = 0; k < nv; k++) xNew[k] = x[k] + step * d[k];
      retractReservoir(p, xNew, resStart);
      if (weightsFromVariables(p, xNew, wk) < 0) {
        step *= 0.5;
        continue;
      }
      evaluations++;
      eNew = transferEnergy(p, mf, xNew, gNew, wk);
      if (Number.isFinite(eNew) && eNew <= e + 1e-4 * step * slope + 1e-13 * Math.abs(e)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      lastAt = xNew.slice();
      break;
    }
    project(p, xNew, gNew, resStart);
    const s = new Float64Array(nv), y = new Float64Array(nv);
    for (let k = 0; k < nv; k++) {
      s[k] = xNew[k] - x[k];
      y[k] = gNew[k] - g[k];
    }
    const sy = dot(s, y);
    if (sy > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === memory) {
        S.shift(); Y.shift(); rho.shift();
      }
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    x.set(xNew);
    g.set(gNew);
    e = eNew;
    gmax = maxAbs(g);
    lastAt = null;
  }
  if (lastAt) {
    // The last trial was rejected: evaluate the kept point again so that the system belongs to it.
    evaluations++;
    e = transferEnergy(p, mf, x, g, wk);
    project(p, x, g, resStart);
    gmax = maxAbs(g);
  }
  return { converged: gmax <= opts.tolerance, iterations: it, evaluations, energy: e, gradient: gmax };
}
