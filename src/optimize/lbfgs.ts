import { InputError } from "../errors.js";
import { drain, loopSteps } from "./loop.js";
import { dot, maxRowNorm, RUN_DEFAULTS, type Evaluation, type Optimizable, type OptimizeResult, type RunOptions } from "./types.js";

/** L-BFGS parameters; defaults are ASE's `LBFGS`. */
export interface LbfgsOptions extends RunOptions {
  /** Largest displacement of any one row (atom or cell row), A (default 0.2). */
  maxStep?: number;
  /** Number of (step, gradient change) pairs kept (default 100). */
  memory?: number;
  /** Multiplies the quasi-Newton step (default 1). */
  damping?: number;
  /** Initial inverse-Hessian guess 1/alpha, alpha in eV/A^2 (default 70). */
  alpha?: number;
  /**
   * Backtracking line search on the objective (Armijo condition, c1 = 1e-4, halving up to 10
   * times). Off by default, as in ASE's `LBFGS` (ASE's `LBFGSLineSearch` turns one on). It costs
   * extra evaluations only when the full step goes uphill.
   */
  lineSearch?: boolean;
}

/**
 * Minimizes `target` with limited-memory BFGS (Nocedal's two-loop recursion), as ASE's `LBFGS`:
 * the step is -H g capped so that no row moves more than `maxStep`. Pairs with non-positive
 * curvature y.s are not stored, and a direction that would go uphill resets the memory to the
 * initial guess (steepest descent), so noisy gradients (ECT-EAM's solver tolerance) cannot stall it.
 */
export function lbfgs(target: Optimizable, opts: LbfgsOptions = {}): OptimizeResult {
  return drain(lbfgsSteps(target, opts));
}

/** {@link lbfgs} one step at a time (see `drain`, `drainAsync`): a generator that returns the result. */
export function lbfgsSteps(target: Optimizable, opts: LbfgsOptions = {}): Generator<void, OptimizeResult> {
  const maxStep = opts.maxStep ?? 0.2;
  const memory = opts.memory ?? 100;
  const damping = opts.damping ?? 1;
  const alpha = opts.alpha ?? 70;
  if (!(maxStep > 0)) throw new InputError(`L-BFGS maxStep must be > 0 A, got ${maxStep}`);
  if (!Number.isInteger(memory) || memory < 1) throw new InputError(`L-BFGS memory must be a positive integer, got ${memory}`);
  if (!(damping > 0)) throw new InputError(`L-BFGS damping must be > 0, got ${damping}`);
  if (!(alpha > 0)) throw new InputError(`L-BFGS alpha must be > 0 eV/A^2, got ${alpha}`);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  let x0: Float64Array | null = null;
  let f0: Float64Array | null = null;

  return loopSteps(target, { ...RUN_DEFAULTS, ...opts }, (x: Float64Array, ev: Evaluation, evaluate: () => Evaluation) => {
    const f = ev.forces;
    if (x0 && f0) {
      const si = new Float64Array(x.length);
      const yi = new Float64Array(x.length);
      for (let k = 0; k < x.length; k++) {
        si[k] = x[k] - x0[k];
        yi[k] = f0[k] - f[k];
      }
      const ys = dot(yi, si);
      if (ys > 1e-14 * Math.sqrt(dot(yi, yi) * dot(si, si))) {
        s.push(si);
        y.push(yi);
        rho.push(1 / ys);
        if (s.length > memory) {
          s.shift();
          y.shift();
          rho.shift();
        }
      }
    }
    let p = direction(f, s, y, rho, alpha);
    if (dot(p, f) <= 0) {
      s.length = y.length = rho.length = 0;
      p = direction(f, s, y, rho, alpha);
    }
    const longest = maxRowNorm(p);
    const scale = (longest > maxStep ? maxStep / longest : 1) * damping;
    for (let k = 0; k < p.length; k++) p[k] *= scale;
    x0 = x;
    f0 = f.slice();

    const trial = (t: number): Evaluation => {
      const next = x.slice();
      for (let k = 0; k < next.length; k++) next[k] += t * p[k];
      target.setX(next);
      return evaluate();
    };
    if (!opts.lineSearch) return trial(1);
    const slope = -dot(f, p);
    const noise = 1e-10 * Math.max(1, Math.abs(ev.energy));
    let t = 1;
    for (let k = 0; k < 10; k++) {
      const e = trial(t);
      if (e.energy <= ev.energy + 1e-4 * t * slope + noise) return e;
      t *= 0.5;
    }
    // Nothing downhill along p: forget the curvature history and take the shortest trial step.
    s.length = y.length = rho.length = 0;
    return trial(t);
  });
}

/** Two-loop recursion: the quasi-Newton direction H f for forces f (= -gradient). */
function direction(f: Float64Array, s: Float64Array[], y: Float64Array[], rho: number[], alpha: number): Float64Array {
  const q = f.slice();
  const a = new Array<number>(s.length);
  for (let i = s.length - 1; i >= 0; i--) {
    a[i] = rho[i] * dot(s[i], q);
    const yi = y[i];
    for (let k = 0; k < q.length; k++) q[k] -= a[i] * yi[k];
  }
  for (let k = 0; k < q.length; k++) q[k] /= alpha;
  for (let i = 0; i < s.length; i++) {
    const b = rho[i] * dot(y[i], q);
    const si = s[i];
    for (let k = 0; k < q.length; k++) q[k] += si[k] * (a[i] - b);
  }
  return q;
}
