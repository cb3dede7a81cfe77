/**
 * Levenberg-Marquardt for small dense least-squares problems (tens of parameters, hundreds of
 * residuals): minimize 1/2 |r(x)|^2 given residuals and Jacobian. Marquardt's diagonal scaling,
 * lambda raised x10 on a rejected step and lowered /3 on an accepted one; deterministic.
 */

/** What the problem provides: residuals and Jacobian (rows x n, row-major) at x. */
export type ResidualJacobian = (x: Float64Array) => Promise<{ residuals: Float64Array; jacobian: Float64Array }>;
/** Residuals only (for trial steps). */
export type ResidualOnly = (x: Float64Array) => Promise<Float64Array>;

export interface LmOptions {
  maxIterations?: number;
  /** Stop when the relative decrease of the cost over an accepted step is below this (default 1e-9) and lambda (after the step) is below 1. */
  costTolerance?: number;
  /** Stop when the largest |step| in internal variables is below this (default 1e-9). */
  stepTolerance?: number;
  /** Initial lambda (default 1e-3). */
  lambda?: number;
  /** Largest step per parameter in internal variables (default 0.5: a factor e^0.5 for log ones). */
  maxStep?: number;
  /** Called after every Jacobian evaluation. */
  onIteration?: (info: { iteration: number; cost: number; lambda: number }) => void;
}

export interface LmResult {
  x: Float64Array;
  /** 1/2 |r|^2 at x. */
  cost: number;
  residuals: Float64Array;
  jacobian: Float64Array;
  iterations: number;
  reason: string;
}

/** Runs Levenberg-Marquardt from x0. */
export async function levenbergMarquardt(f: ResidualJacobian, fr: ResidualOnly, x0: Float64Array, opts: LmOptions = {}): Promise<LmResult> {
  const maxIt = opts.maxIterations ?? 50;
  const costTol = opts.costTolerance ?? 1e-9;
  const stepTol = opts.stepTolerance ?? 1e-9;
  const maxStep = opts.maxStep ?? 0.5;
  let lambda = opts.lambda ?? 1e-3;
  let x = Float64Array.from(x0);
  let { residuals, jacobian } = await f(x);
  let cost = half2(residuals);
  const n = x.length;
  let reason = "iteration limit";
  let it = 0;
  for (; it < maxIt; it++) {
    opts.onIteration?.({ iteration: it, cost, lambda });
    const { jtj, jtr } = normalEquations(jacobian, residuals, n);
    if (Math.max(...jtr.map(Math.abs)) < 1e-12) {
      reason = "gradient zero";
      break;
    }
    // Marquardt's scaling damps each parameter by its own curvature; a floor keeps a parameter the
    // residuals hardly see from being left undamped.
    let maxDiag = 0;
    for (let k = 0; k < n; k++) maxDiag = Math.max(maxDiag, jtj[k * n + k]);
    const dampingFloor = Math.max(1e-8 * maxDiag, 1e-12);
    let accepted = false;
    for (let tries = 0; tries < 12; tries++) {
      const a = Float64Array.from(jtj);
      for (let k = 0; k < n; k++) a[k * n + k] += lambda * Math.max(jtj[k * n + k], dampingFloor);
      const step = solveSpd(a, jtr.map((v) => -v), n);
      // Clip each component, not the whole step: a parameter the residuals hardly see (tiny J^T J
      // diagonal, so hardly damped) can ask for a huge step, and scaling the whole vector down to
      // it froze every other parameter (LiF's fit with F's damping radius free: step 6421 in log).
      let big = 0;
      for (let k = 0; k < n; k++) {
        big = Math.max(big, Math.abs(step[k]));
        step[k] = Math.max(-maxStep, Math.min(maxStep, step[k]));
      }
      const xt = x.map((v, k) => v + step[k]);
      let rt: Float64Array | null = null;
      try {
        rt = await fr(xt);
      } catch {
        rt = null; // a parameter set the model cannot evaluate counts as a rejected step
      }
      const ct = rt ? half2(rt) : Infinity;
      if (ct < cost) {
        const rel = (cost - ct) / Math.max(cost, 1e-300);
        x = xt;
        lambda = Math.max(lambda / 3, 1e-12);
        ({ residuals, jacobian } = await f(x));
        cost = half2(residuals);
        accepted = true;
        // A small decrease under heavy damping (lambda >= 1: short gradient-like steps) is slow
        // progress, not convergence.
        if (rel < costTol && lambda < 1) reason = "cost converged";
        else if (Math.min(big, maxStep) < stepTol) reason = "step converged";
        break;
      }
      lambda *= 10;
    }
    if (!accepted) {
      reason = "no decrease (local minimum)";
      it++;
      break;
    }
    if (reason !== "iteration limit") {
      it++;
      break;
    }
  }
  return { x, cost, residuals, jacobian, iterations: it, reason };
}

/** J^T J and J^T r. */
export function normalEquations(J: Float64Array, r: Float64Array, n: number): { jtj: Float64Array; jtr: Float64Array } {
  const m = r.length;
  const jtj = new Float64Array(n * n), jtr = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < n; a++) {
      const ja = J[i * n + a];
      if (ja === 0) continue;
      jtr[a] += ja * r[i];
      for (let b = 0; b < n; b++) jtj[a * n + b] += ja * J[i * n + b];
    }
  }
  return { jtj, jtr };
}

/** Solves A x = b for symmetric positive (semi)definite A by Cholesky with a tiny diagonal shift. */
export function solveSpd(A: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  let shift = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    let ok = true;
    L.fill(0);
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * n + j] + (i === j ? shift : 0);
        for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * n + i] = Math.sqrt(s);
        } else L[i * n + j] = s / L[j * n + j];
      }
    }
    if (ok) {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = b[i];
        for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
        y[i] = s / L[i * n + i];
      }
      const x = new Float64Array(n);
      for (let i = n - 1; i >= 0; i--) {
        let s = y[i];
        for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
        x[i] = s / L[i * n + i];
      }
      return x;
    }
    let trace = 0;
    for (let i = 0; i < n; i++) trace += Math.abs(A[i * n + i]);
    shift = shift === 0 ? 1e-14 * (trace / n || 1) : shift * 100;
  }
  return new Float64Array(n);
}

/** Inverse of an SPD matrix (columns by solveSpd); for covariance estimates. */
export function inverseSpd(A: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const e = new Float64Array(n);
    e[c] = 1;
    const col = solveSpd(A, e, n);
    for (let r = 0; r < n; r++) inv[r * n + c] = col[r];
  }
  return inv;
}

function half2(r: Float64Array): number {
  let s = 0;
  for (const v of r) s += v * v;
  return 0.5 * s;
}
