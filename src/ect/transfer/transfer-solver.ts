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
import { diagonalCurvature, transferEnergy, weightsFromVariables, type MeanFieldSystem, type TransferProblem, TransferWork } from "./transfer-energy.js";

export interface TransferSolveOptions {
  /**
   * Convergence: the largest Newton-like step |dE/dx_k| / c_k over the variables, with c_k the
   * diagonal curvature estimate of `diagonalCurvature` (amplitude units). A pure gradient test is
   * dominated by stiff directions that change the energy by nothing (measured: 20 iterations take E
   * to 1e-12 eV, another 40 take max |g| from 1e-5 to 1e-7).
   */
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
  /** Largest |dE/dx_k| / c_k there (projected gradient over the curvature estimate, amplitude units). */
  gradient: number;
}

/**
 * L-BFGS curvature pairs kept from one minimization to the next on the same variables (along a
 * trajectory the Hessian changes slowly, so the first step of the next solve is already close to a
 * Newton step). Belongs to one bond set: clear it, or {@link remap} it, when the variables change.
 */
export class CurvatureHistory {
  S: Float64Array[] = [];
  Y: Float64Array[] = [];
  rho: number[] = [];
  /**
   * The active variables the pairs were made on (indices into the variables, {@link activeVariables});
   * a minimization on other variables drops the pairs. Null before the first.
   */
  vars: Int32Array | null = null;
  clear(): void {
    this.S.length = 0;
    this.Y.length = 0;
    this.rho.length = 0;
  }

  /**
   * Carries the pairs onto new active variables `vars`: component a of every pair comes from
   * component `from[a]` of the old one (-1: a variable without a counterpart, which gets 0). A pair
   * whose s.y is then no longer clearly positive (the test the minimizer applies to new pairs) is
   * dropped; the order of the others (oldest first) is kept.
   */
  remap(vars: Int32Array, from: Int32Array): void {
    const na = vars.length;
    const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
    for (let m = 0; m < this.S.length; m++) {
      const s0 = this.S[m], y0 = this.Y[m];
      const s = new Float64Array(na), y = new Float64Array(na);
      for (let a = 0; a < na; a++) {
        const f = from[a];
        if (f >= 0) {
          s[a] = s0[f];
          y[a] = y0[f];
        }
      }
      const sy = dot(s, y);
      if (sy > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
        S.push(s);
        Y.push(y);
        rho.push(1 / sy);
      }
    }
    this.S = S;
    this.Y = Y;
    this.rho = rho;
    this.vars = vars;
  }
}

/**
 * The variables that can move, as indices into the variables (the layout of the quasi-Newton
 * history): the forward channels that exist, then the reverse ones, then the reservoir of a
 * charged system.
 */
export function activeVariables(p: TransferProblem, atoms: number): Int32Array {
  const b = p.bonds, nb = b.count;
  const act: number[] = [];
  for (let k = 0; k < nb; k++) if (b.fwdOn[k]) act.push(k);
  for (let k = 0; k < nb; k++) if (b.revOn[k]) act.push(nb + k);
  if (p.charge !== 0) for (let i = 0; i < atoms; i++) act.push(2 * nb + i);
  return Int32Array.from(act);
}

function sameVariables(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
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

const DEBUG = typeof process !== "undefined" && !!process.env?.DEBUG_TRANSFER;

function maxScaled(g: Float64Array, c: Float64Array): number {
  let m = 0;
  for (let k = 0; k < g.length; k++) {
    const a = Math.abs(g[k]) / c[k];
    if (a > m) m = a;
  }
  return m;
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
export function minimizeTransfer(p: TransferProblem, mf: MeanFieldSystem, x: Float64Array, opts: TransferSolveOptions, work?: TransferWork, history?: CurvatureHistory): TransferSolveResult {
  const nb = p.bonds.count, n = mf.atoms;
  const nv = x.length;
  const resStart = 2 * nb;
  const wk = work ?? new TransferWork(n, nb);
  const memory = opts.memory ?? 12;
  const maxStep = opts.maxStep ?? 0.25;
  retractReservoir(p, x, resStart);
  // The variables that can move: existing channels, and the reservoir of a charged system. The
  // quasi-Newton history lives on these only (donor-only pairs leave half the channel slots empty).
  const act = activeVariables(p, n);
  const na = act.length;
  const gc = new Float64Array(na);
  const g = new Float64Array(nv), gNew = new Float64Array(nv), d = new Float64Array(nv), xNew = new Float64Array(nv);
  if (history && !(history.vars && sameVariables(history.vars, act))) {
    history.clear();
    history.vars = act;
  }
  const S: Float64Array[] = history ? history.S : [], Y: Float64Array[] = history ? history.Y : [], rho: number[] = history ? history.rho : [];
  const alphaH = new Float64Array(memory);
  let evaluations = 1;
  let e = transferEnergy(p, mf, x, g, wk);
  // Diagonal preconditioner (the initial inverse Hessian of the two-loop recursion), refreshed at
  // every accepted point: channels of very different stiffness get steps of their own scale.
  const diag = new Float64Array(nv);
  const refresh = () => diagonalCurvature(p, x, wk, diag);
  refresh();
  project(p, x, g, resStart);
  let gmax = maxScaled(g, diag);
  let it = 0;
  let lastAt: Float64Array | null = null; // where the mean field was last evaluated, when not at x
  let stalled = false;
  for (; it < opts.maxIterations && gmax > opts.tolerance; it++) {
    // Two-loop recursion on the movable variables: d = -H g.
    for (let a = 0; a < na; a++) gc[a] = g[act[a]];
    for (let m = S.length - 1; m >= 0; m--) {
      const a = rho[m] * dot(S[m], gc);
      alphaH[m] = a;
      const ym = Y[m];
      for (let k = 0; k < na; k++) gc[k] -= a * ym[k];
    }
    if (S.length > 0) {
      // H0 = gamma D^-1 with gamma from the last pair (s.y / y.D^-1 y)
      const last = S.length - 1, yl = Y[last];
      let yDy = 0;
      for (let k = 0; k < na; k++) yDy += (yl[k] * yl[k]) / diag[act[k]];
      const gamma = dot(S[last], yl) / yDy;
      for (let k = 0; k < na; k++) gc[k] *= gamma / diag[act[k]];
    } else {
      for (let k = 0; k < na; k++) gc[k] /= diag[act[k]];
    }
    for (let m = 0; m < S.length; m++) {
      const bta = rho[m] * dot(Y[m], gc);
      const sm = S[m];
      for (let k = 0; k < na; k++) gc[k] += sm[k] * (alphaH[m] - bta);
    }
    d.fill(0);
    for (let a = 0; a < na; a++) d[act[a]] = -gc[a];
    project(p, x, d, resStart);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (a curvature pair went bad): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let k = 0; k < nv; k++) d[k] = -g[k] / diag[k];
      slope = dot(g, d);
    }
    let step = 1;
    const dmax = maxAbs(d);
    if (dmax * step > maxStep) step = maxStep / dmax;
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
      // No step lowers E any more: the energy has converged to rounding. Accept when the gradient
      // is within a factor 100 of the tolerance (its last digits are noise there).
      lastAt = xNew.slice();
      stalled = true;
      break;
    }
    project(p, xNew, gNew, resStart);
    // The history pair goes into a recycled buffer (the oldest when the memory is full).
    const s = S.length === memory ? S.shift()! : new Float64Array(na);
    const y = Y.length === memory ? Y.shift()! : new Float64Array(na);
    if (rho.length === memory) rho.shift();
    for (let a = 0; a < na; a++) {
      const k = act[a];
      s[a] = xNew[k] - x[k];
      y[a] = gNew[k] - g[k];
    }
    const sy = dot(s, y);
    if (sy > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    if (DEBUG) console.error(`it ${it} e ${eNew.toFixed(12)} g ${maxAbs(gNew).toExponential(2)} step ${step.toExponential(2)} |d| ${dmax.toExponential(2)} hist ${S.length}`);
    x.set(xNew);
    g.set(gNew);
    e = eNew;
    refresh();
    gmax = maxScaled(g, diag);
    lastAt = null;
  }
  if (lastAt) {
    // The last trial was rejected: evaluate the kept point again so that the system belongs to it.
    evaluations++;
    e = transferEnergy(p, mf, x, g, wk);
    project(p, x, g, resStart);
    refresh();
    gmax = maxScaled(g, diag);
  }
  if (DEBUG) {
    const order = Array.from({ length: nv }, (_, k) => k).sort((u, v) => Math.abs(g[v]) / diag[v] - Math.abs(g[u]) / diag[u]).slice(0, 6);
    for (const k of order) {
      const b = p.bonds, bk = k < nb ? k : k < 2 * nb ? k - nb : -1;
      console.error(`  var ${k} ${k < nb ? "fwd" : k < 2 * nb ? "rev" : "res"} g ${g[k].toExponential(2)} diag ${diag[k].toExponential(2)} x ${x[k].toExponential(3)}` + (bk >= 0 ? ` r ${b.r[bk].toFixed(2)} h ${b.h[bk].toExponential(2)} w0 ${wk.w0[b.i[bk]].toFixed(4)} ${wk.w0[b.j[bk]].toFixed(4)}` : ""));
    }
  }
  return { converged: gmax <= opts.tolerance || (stalled && gmax <= 100 * opts.tolerance), iterations: it, evaluations, energy: e, gradient: gmax };
}
