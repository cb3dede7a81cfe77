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
import { AtomPreconditioner } from "./atom-preconditioner.js";
import { diagonalCurvature, transferEnergy, weightsFromVariables, type MeanFieldSystem, type TransferProblem, TransferWork } from "./transfer-energy.js";
import type { BondSet } from "./bonds.js";

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
  /**
   * The initial inverse Hessian of the L-BFGS recursion: `atoms` (the default) the diagonal curvature
   * plus one stiff direction per atom, its neutral weight (atom-preconditioner.ts); `diagonal` the
   * diagonal curvature alone (the scheme before it, kept to compare). The convergence test reads
   * the diagonal curvature either way.
   */
  preconditioner?: TransferPreconditioner;
}

/** See {@link TransferSolveOptions.preconditioner}. */
export type TransferPreconditioner = "atoms" | "diagonal";

export interface TransferSolveResult {
  converged: boolean;
  iterations: number;
  /** Energy evaluations, line-search trials included. */
  evaluations: number;
  /** Energy at the returned variables (eV). */
  energy: number;
  /** Largest |dE/dx_k| / c_k there (projected gradient over the curvature estimate, amplitude units). */
  gradient: number;
  /** 1/2 g D^-1 g per atom there (eV), D the diagonal curvature estimate; set by the truncated Newton steps. */
  decrement?: number;
  /**
   * Shadow steps (xl-newton.ts): per atom (eV), the linear term eps(n) . (w(x) - w(n)) of the
   * reported energy, which the mean field last evaluated (at the auxiliary amplitudes n) lacks.
   */
  linear?: Float64Array;
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
 * charged system. The list is ascending.
 */
export function activeVariables(p: TransferProblem, atoms: number): Int32Array {
  const b = p.bonds, nb = b.count;
  // Asked for at every MD step (and by every solve): the list is kept while the live channels are.
  const kept = activeCache.get(b);
  if (kept && kept.version === b.liveVersion && kept.count === nb && kept.atoms === atoms && kept.charged === (p.charge !== 0)) return kept.act;
  const act = listActive(p, atoms);
  activeCache.set(b, { version: b.liveVersion, count: nb, atoms, charged: p.charge !== 0, act });
  return act;
}

/** The last active list of each bond set, with what it was made from. */
const activeCache = new WeakMap<BondSet, { version: number; count: number; atoms: number; charged: boolean; act: Int32Array }>();

function listActive(p: TransferProblem, atoms: number): Int32Array {
  const b = p.bonds, nb = b.count, fwdOn = b.fwdOn, revOn = b.revOn;
  let na = p.charge !== 0 ? atoms : 0;
  for (let k = 0; k < nb; k++) na += fwdOn[k] + revOn[k];
  const act = new Int32Array(na);
  let a = 0;
  for (let k = 0; k < nb; k++) if (fwdOn[k]) act[a++] = k;
  for (let k = 0; k < nb; k++) if (revOn[k]) act[a++] = nb + k;
  if (p.charge !== 0) for (let i = 0; i < atoms; i++) act[a++] = 2 * nb + i;
  return act;
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

/**
 * {@link project} on a vector v over the active variables `act` (ascending), whose reservoir block
 * starts at position `from` of act (none when Q = 0).
 */
function projectActive(x: Float64Array, v: Float64Array, act: Int32Array, from: number): void {
  const na = act.length;
  let gx = 0, xx = 0;
  for (let a = from; a < na; a++) {
    const xk = x[act[a]];
    gx += v[a] * xk;
    xx += xk * xk;
  }
  if (xx > 0) for (let a = from; a < na; a++) v[a] -= (gx / xx) * x[act[a]];
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

/** Relative rounding error of the energy, below which changes are not resolved (see the line search). */
const ROUNDING = 1e-12;
const DEBUG = typeof process !== "undefined" && !!process.env?.DEBUG_TRANSFER;

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
 * q += c u, returning v.q of the new q, summed in index order (unrolled by four with the loads
 * ahead of the running sum, whose add latency bounds the loop).
 */
function axpyDot(q: Float64Array, u: Float64Array, c: number, v: Float64Array): number {
  const n = q.length, n4 = n - (n % 4);
  let acc = 0, k = 0;
  for (; k < n4; k += 4) {
    const q0 = q[k] + c * u[k], q1 = q[k + 1] + c * u[k + 1], q2 = q[k + 2] + c * u[k + 2], q3 = q[k + 3] + c * u[k + 3];
    q[k] = q0;
    q[k + 1] = q1;
    q[k + 2] = q2;
    q[k + 3] = q3;
    const p0 = v[k] * q0, p1 = v[k + 1] * q1, p2 = v[k + 2] * q2, p3 = v[k + 3] * q3;
    acc += p0;
    acc += p1;
    acc += p2;
    acc += p3;
  }
  for (; k < n; k++) {
    const qk = q[k] + c * u[k];
    q[k] = qk;
    acc += v[k] * qk;
  }
  return acc;
}

/**
 * The two-loop recursion d = -H g over the active variables, with H0 = gamma D^-1 (D the diagonal
 * curvature `diag`, gamma = s.y / y.D^-1 y of the newest pair; H0 = D^-1 without pairs). Each pass
 * over the vectors does the update of one pair and the dot product of the next, so that q is read
 * and written once per pair; the arithmetic is that of the textbook loops. `q` is scratch.
 */
function twoLoop(S: Float64Array[], Y: Float64Array[], rho: number[], alpha: Float64Array, g: Float64Array, diag: Float64Array, q: Float64Array, d: Float64Array, pre: AtomPreconditioner | null = null, tmp: Float64Array | null = null): void {
  const na = g.length, M = S.length;
  if (pre) {
    twoLoopPreconditioned(S, Y, rho, alpha, g, pre, q, d, tmp!);
    return;
  }
  if (M === 0) {
    for (let k = 0; k < na; k++) d[k] = -(g[k] / diag[k]);
    return;
  }
  // alpha of the newest pair, and gamma from it (s.y / y.D^-1 y)
  const sl = S[M - 1], yl = Y[M - 1];
  let sq = 0, sy = 0, yDy = 0;
  for (let k = 0; k < na; k++) {
    const qk = g[k], yk = yl[k];
    q[k] = qk;
    sq += sl[k] * qk;
    sy += sl[k] * yk;
    yDy += (yk * yk) / diag[k];
  }
  alpha[M - 1] = rho[M - 1] * sq;
  const gamma = sy / yDy;
  // Newest to oldest: q -= alpha_m y_m, fused with s_{m-1}.q (for the oldest, q = H0 q and y_0.q of
  // the second loop). q - a y is q + (-a) y exactly.
  for (let m = M - 1; m > 0; m--) alpha[m - 1] = rho[m - 1] * axpyDot(q, Y[m], -alpha[m], S[m - 1]);
  let acc = 0;
  {
    const a = alpha[0], y0 = Y[0];
    for (let k = 0; k < na; k++) {
      let v = q[k] - a * y0[k];
      v *= gamma / diag[k];
      q[k] = v;
      acc += y0[k] * v;
    }
  }
  // Oldest to newest: q += s_m (alpha_m - beta_m), fused with y_{m+1}.q; the last writes d = -q.
  for (let m = 0; m < M - 1; m++) acc = axpyDot(q, S[m], alpha[m] - rho[m] * acc, Y[m + 1]);
  const c = alpha[M - 1] - rho[M - 1] * acc, sm = S[M - 1];
  for (let k = 0; k < na; k++) d[k] = -(q[k] + sm[k] * c);
}

/** {@link twoLoop} with H0 = gamma M^-1, M the atom preconditioner (atom-preconditioner.ts). */
function twoLoopPreconditioned(S: Float64Array[], Y: Float64Array[], rho: number[], alpha: Float64Array, g: Float64Array, pre: AtomPreconditioner, q: Float64Array, d: Float64Array, tmp: Float64Array): void {
  const na = g.length, M = S.length;
  if (M === 0) {
    pre.apply(g, d);
    for (let k = 0; k < na; k++) d[k] = -d[k];
    return;
  }
  q.set(g);
  for (let m = M - 1; m >= 0; m--) {
    alpha[m] = rho[m] * dot(S[m], q);
    const y = Y[m], a = alpha[m];
    for (let k = 0; k < na; k++) q[k] -= a * y[k];
  }
  const yl = Y[M - 1];
  pre.apply(yl, tmp);
  const gamma = dot(S[M - 1], yl) / dot(yl, tmp);
  pre.apply(q, tmp);
  for (let k = 0; k < na; k++) q[k] = gamma * tmp[k];
  for (let m = 0; m < M; m++) {
    const beta = rho[m] * dot(Y[m], q), s = S[m], c = alpha[m] - beta;
    for (let k = 0; k < na; k++) q[k] += c * s[k];
  }
  for (let k = 0; k < na; k++) d[k] = -q[k];
}

/**
 * Minimizes E over x in place (x must be feasible). On return the mean-field system was last
 * evaluated at the returned x (so its forces and charges belong to it).
 */
export function minimizeTransfer(p: TransferProblem, mf: MeanFieldSystem, xOut: Float64Array, opts: TransferSolveOptions, work?: TransferWork, history?: CurvatureHistory): TransferSolveResult {
  const nb = p.bonds.count, n = mf.atoms;
  const nv = xOut.length;
  const resStart = 2 * nb;
  const wk = work ?? new TransferWork(n, nb);
  const memory = opts.memory ?? 12;
  const maxStep = opts.maxStep ?? 0.25;
  retractReservoir(p, xOut, resStart);
  // The variables that can move: existing channels, and the reservoir of a charged system. The
  // quasi-Newton history lives on these only (donor-only pairs leave half the channel slots empty),
  // and so does every vector of the minimizer but the points and gradients the energy sees (the
  // inactive components of x never change, and those of the gradient and the step are 0).
  const act = activeVariables(p, n);
  const na = act.length;
  // Where the reservoir starts in the active list (na when it does not move).
  const resA = p.charge !== 0 ? na - n : na;
  // Points and full gradients: the current one and the trial, swapped on acceptance (x starts as the
  // caller's array, which receives the result at the end).
  let x = xOut, xNew = wk.scratch(0, nv), g = wk.scratch(1, nv), gNew = wk.scratch(2, nv);
  xNew.set(x);
  const diag = wk.scratch(3, nv);
  // Over the active variables: gradient, diagonal curvature, step, two-loop scratch.
  const gc = wk.scratch(4, na), dc = wk.scratch(5, na), d = wk.scratch(6, na), q = wk.scratch(7, na);
  if (history && !(history.vars && sameVariables(history.vars, act))) {
    history.clear();
    history.vars = act;
  }
  const S: Float64Array[] = history ? history.S : [], Y: Float64Array[] = history ? history.Y : [], rho: number[] = history ? history.rho : [];
  const alphaH = new Float64Array(memory);
  const pre = (opts.preconditioner ?? "atoms") === "atoms" ? wk.atomPreconditioner() : null;
  const preScratch = pre ? wk.scratch(25, na) : null;
  let evaluations = 1;
  let e = transferEnergy(p, mf, x, g, wk);
  project(p, x, g, resStart);
  for (let a = 0; a < na; a++) gc[a] = g[act[a]];
  // Diagonal preconditioner (the initial inverse Hessian of the two-loop recursion), refreshed at
  // every accepted point: channels of very different stiffness get steps of their own scale.
  const refresh = () => {
    diagonalCurvature(p, x, wk, diag);
    let m = 0;
    for (let a = 0; a < na; a++) {
      const c = diag[act[a]];
      dc[a] = c;
      const r = Math.abs(gc[a]) / c;
      if (r > m) m = r;
    }
    if (pre) pre.build(p, x, wk, act, dc);
    return m; // max |g| / c
  };
  let gmax = refresh();
  let it = 0;
  let stale = false; // the mean field was last evaluated at a rejected trial, not at x
  let stalled = false;
  for (; it < opts.maxIterations && gmax > opts.tolerance; it++) {
    twoLoop(S, Y, rho, alphaH, gc, dc, q, d, pre, preScratch);
    if (resA < na) projectActive(x, d, act, resA);
    let slope = dot(gc, d);
    if (!(slope < 0)) {
      // Not a descent direction (a curvature pair went bad): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      if (pre) {
        pre.apply(gc, d);
        for (let a = 0; a < na; a++) d[a] = -d[a];
      } else for (let a = 0; a < na; a++) d[a] = -gc[a] / dc[a];
      slope = dot(gc, d);
    }
    let step = 1;
    const dmax = maxAbs(d);
    if (dmax * step > maxStep) step = maxStep / dmax;
    let accepted = false;
    let eNew = e;
    for (let tries = 0; tries < 60; tries++) {
      for (let a = 0; a < na; a++) {
        const k = act[a];
        xNew[k] = x[k] + step * d[a];
      }
      retractReservoir(p, xNew, resStart);
      if (weightsFromVariables(p, xNew, wk) < 0) {
        step *= 0.5;
        continue;
      }
      evaluations++;
      eNew = transferEnergy(p, mf, xNew, gNew, wk, true);
      if (Number.isFinite(eNew) && eNew <= e + 1e-4 * step * slope + 1e-13 * Math.abs(e)) {
        accepted = true;
        break;
      }
      // Below the energy's rounding the sufficient-decrease test is noise: summed over thousands of
      // atoms E carries errors of ~1e-12 |E| (8,000-atom NaCl: E moved by 3e-8 eV between steps
      // whose true change was 1e-12 eV), and the search then halved the step to 1e-8 for 12
      // evaluations per iteration, 600 in all. There a step is taken when it lowers the slope
      // along d (the gradient's test instead of the energy's).
      if (Number.isFinite(eNew) && -slope * step < ROUNDING * Math.abs(e)) {
        project(p, xNew, gNew, resStart);
        let slopeNew = 0;
        for (let a = 0; a < na; a++) slopeNew += gNew[act[a]] * d[a];
        if (Math.abs(slopeNew) <= Math.abs(slope)) {
          accepted = true;
          break;
        }
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No step lowers E any more: the energy has converged to rounding. Accept when the gradient
      // is within a factor 100 of the tolerance (its last digits are noise there).
      stale = true;
      stalled = true;
      break;
    }
    project(p, xNew, gNew, resStart);
    // The history pair goes into a recycled buffer (the oldest when the memory is full).
    const s = S.length === memory ? S.shift()! : new Float64Array(na);
    const y = Y.length === memory ? Y.shift()! : new Float64Array(na);
    if (rho.length === memory) rho.shift();
    let sy = 0, ss = 0, yy = 0;
    for (let a = 0; a < na; a++) {
      const k = act[a];
      const sa = xNew[k] - x[k], gk = gNew[k], ya = gk - gc[a];
      s[a] = sa;
      y[a] = ya;
      gc[a] = gk;
      sy += sa * ya;
      ss += sa * sa;
      yy += ya * ya;
    }
    if (sy > 1e-16 * Math.sqrt(ss * yy)) {
      S.push(s); Y.push(y); rho.push(1 / sy);
    }
    if (DEBUG) console.error(`it ${it} e ${eNew.toFixed(12)} g ${maxAbs(gNew).toExponential(2)} step ${step.toExponential(2)} |d| ${dmax.toExponential(2)} hist ${S.length}`);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    e = eNew;
    gmax = refresh();
  }
  if (x !== xOut) {
    xOut.set(x);
    x = xOut;
  }
  if (stale) {
    // The last trial was rejected: evaluate the kept point again so that the system belongs to it.
    evaluations++;
    e = transferEnergy(p, mf, x, g, wk);
    project(p, x, g, resStart);
    for (let a = 0; a < na; a++) gc[a] = g[act[a]];
    gmax = refresh();
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
