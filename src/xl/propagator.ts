/**
 * Extended-Lagrangian propagation of latent variables (Niklasson, PRL 100, 123004 (2008); with
 * dissipation, JCP 130, 214109 (2009)): auxiliary variables x that follow the self-consistent solution
 * q(R) along a trajectory, integrated by a time-reversible Verlet step with a harmonic pull towards
 * the latest solution and a weak high-order damping. The solver of the next step starts from x, so it
 * needs few iterations, and the errors of inexact solves do not accumulate into a systematic drift
 * (the start is not extrapolated from earlier, inexact solutions).
 *
 * Generic: the latent variables are one Float64Array (charges, (s, t) pairs, ensemble weights...);
 * the caller's solver turns a start into a solution of the same length.
 */
import { XL_COEFFICIENTS, type XlCoefficients, type XlOrder } from "./coefficients.js";

/** Solves for the latent variables at the current positions, starting from `start`; writes `out`. */
export type XlSolver = (start: Float64Array, out: Float64Array) => void;

export class XlPropagator {
  readonly size: number;
  readonly order: XlOrder;
  private readonly co: XlCoefficients;
  /** x_n, x_{n-1}, ..., x_{n-K}: K + 1 vectors, newest first. */
  private hist: Float64Array[];
  private solution: Float64Array;
  /** The live variables of the last {@link update} given a live set (ascending), else null. */
  private live: Int32Array | null = null;

  /** `size` latent variables, dissipation of order K (default 5). */
  constructor(size: number, order: XlOrder = 5) {
    if (!(Number.isInteger(size) && size >= 0)) throw new RangeError(`latent size must be a non-negative integer, got ${size}`);
    if (!(order in XL_COEFFICIENTS)) throw new RangeError(`extended-Lagrangian order must be 4..7, got ${order}`);
    this.size = size;
    this.order = order;
    this.co = XL_COEFFICIENTS[order];
    this.hist = Array.from({ length: order + 1 }, () => new Float64Array(size));
    this.solution = new Float64Array(size);
  }

  /** Starts the history at a (converged) solution: x_n = ... = x_{n-K} = q. */
  init(q: ArrayLike<number>): void {
    this.checkLength(q.length);
    for (const h of this.hist) h.set(q);
    this.live = null;
  }

  /** x_n: where the next solve starts (a view; do not keep it across steps). */
  get current(): Float64Array {
    return this.hist[0];
  }

  /** x_{n-1}: where the last solve started (to redo it after a restart). */
  get previous(): Float64Array {
    return this.hist[1];
  }

  /** One step: solve from x_n, then x_{n+1} from the solution. Returns the solution (a view, valid until the next step). */
  advance(solve: XlSolver): Float64Array {
    solve(this.hist[0], this.solution);
    this.update(this.solution);
    return this.solution;
  }

  /**
   * x_{n+1} = 2 x_n - x_{n-1} + kappa (q_n - x_n) + alpha sum_k c_k x_{n-k}, given q_n.
   *
   * With `live` (ascending indices) only those variables are stepped; every other one must have
   * q = 0 and is held at 0: a variable that was live at the last such update and is not now has its
   * history set to 0 (its answer is 0 from then on, which the full step would only approach over many
   * steps). For latent vectors that are mostly dead, such as the bond amplitudes of a screened crystal
   * (rock-salt NaCl: about 3 live bonds per atom of 82 listed), a step then costs the live part.
   */
  update(q: ArrayLike<number>, live?: Int32Array): void {
    this.checkLength(q.length);
    const { kappa, alpha, c } = this.co;
    const h = this.hist, K = this.order;
    if (live) this.holdDeadAtZero(live);
    else this.live = null;
    // The oldest vector is dropped: reuse it for x_{n+1}.
    const next = h[K];
    const x0 = h[0], x1 = h[1];
    const n = live ? live.length : this.size;
    for (let a = 0; a < n; a++) {
      const i = live ? live[a] : a;
      let d = 0;
      for (let k = 0; k <= K; k++) d += c[k] * h[k][i];
      next[i] = 2 * x0[i] - x1[i] + kappa * (q[i] - x0[i]) + alpha * d;
    }
    for (let k = K; k > 0; k--) h[k] = h[k - 1];
    h[0] = next;
  }

  /** Sets to 0 the history of every variable outside `live` that may not be 0 yet. */
  private holdDeadAtZero(live: Int32Array): void {
    const prev = this.live;
    if (prev === null) {
      // First live update after init, a full update or a restored state: clear all dead slots.
      for (const h of this.hist) {
        let b = 0;
        for (let v = 0; v < this.size; v++) {
          if (b < live.length && live[b] === v) b++;
          else h[v] = 0;
        }
      }
    } else if (prev !== live) {
      // The variables that left the live set (one merge of two ascending lists).
      let b = 0;
      for (let a = 0; a < prev.length; a++) {
        const v = prev[a];
        while (b < live.length && live[b] < v) b++;
        if (b < live.length && live[b] === v) continue;
        for (const h of this.hist) h[v] = 0;
      }
    }
    this.live = live;
  }

  /** The history (restart state): (K + 1) x size numbers, newest first. */
  state(): Float64Array {
    const out = new Float64Array((this.order + 1) * this.size);
    this.hist.forEach((h, k) => out.set(h, k * this.size));
    return out;
  }

  /** Restores a {@link state} of the same order and size. */
  setState(state: ArrayLike<number>): void {
    if (state.length !== (this.order + 1) * this.size) {
      throw new RangeError(`extended-Lagrangian state has ${state.length} numbers, expected ${this.order + 1} x ${this.size}`);
    }
    const s = Float64Array.from(state);
    this.hist.forEach((h, k) => h.set(s.subarray(k * this.size, (k + 1) * this.size)));
    this.live = null;
  }

  private checkLength(n: number): void {
    if (n !== this.size) throw new RangeError(`latent vector has ${n} numbers, expected ${this.size}`);
  }
}
