/**
 * The extended-Lagrangian history of the bond amplitudes, updated over the live variables only.
 * Same step and same state layout as src/xl's `XlPropagator` (K + 1 vectors, newest first):
 *   x_(n+1) = 2 x_n - x_(n-1) + kappa (q_n - x_n) + alpha sum_k c_k x_(n-k).
 *
 * Why not the generic propagator: the variables are two channels per listed bond, and in screened
 * crystals most listed bonds are dead (rock-salt NaCl: about 3 live bonds per atom of 82 listed).
 * Updating every slot of every vector was 7 % of an MD step with the two-evaluation XL steps; here
 * a step costs the live variables, and a variable that leaves the live set has its history set to 0
 * (its answer is 0 from then on, which the full update would only approach over many steps), so the
 * dead part of every vector stays 0 without being touched.
 *
 * Browser-safe; no wasm.
 */
import { XL_COEFFICIENTS, type XlCoefficients, type XlOrder } from "../../xl/coefficients.js";

export class LiveXlHistory {
  private readonly co: XlCoefficients;
  /** x_n, ..., x_(n-K), newest first. */
  private hist: Float64Array[];
  /** The live variables of the last update (ascending indices), null before the first. */
  private live: Int32Array | null = null;

  /** `size` variables (all of them, dead or live), dissipation of `order` (4..7). */
  constructor(
    readonly size: number,
    readonly order: XlOrder,
  ) {
    if (!(order in XL_COEFFICIENTS)) throw new RangeError(`extended-Lagrangian order must be 4..7, got ${order}`);
    this.co = XL_COEFFICIENTS[order];
    this.hist = Array.from({ length: order + 1 }, () => new Float64Array(size));
  }

  /** x_n = ... = x_(n-K) = q. */
  init(q: ArrayLike<number>): void {
    for (const h of this.hist) h.set(q);
    this.live = null;
  }

  /** x_n: the next step starts here (a view, valid until the next update). */
  get current(): Float64Array {
    return this.hist[0];
  }

  /**
   * One step over the variables `live` (ascending indices): every other variable must have q = 0
   * and is kept at 0 (those that were live at the last update and are not now are set to 0).
   */
  update(q: ArrayLike<number>, live: Int32Array): void {
    const prev = this.live;
    if (prev !== null && prev !== live) {
      // The variables that left the live set (one merge of two ascending lists).
      let b = 0;
      for (let a = 0; a < prev.length; a++) {
        const v = prev[a];
        while (b < live.length && live[b] < v) b++;
        if (b < live.length && live[b] === v) continue;
        for (const h of this.hist) h[v] = 0;
      }
    } else if (prev === null) {
      // First update after init or a restored state: clear everything outside the live set.
      for (const h of this.hist) {
        let b = 0;
        for (let v = 0; v < this.size; v++) {
          if (b < live.length && live[b] === v) {
            b++;
            continue;
          }
          h[v] = 0;
        }
      }
    }
    this.live = live;
    const { kappa, alpha, c } = this.co;
    const h = this.hist, K = this.order;
    const next = h[K], x0 = h[0], x1 = h[1];
    for (let a = 0; a < live.length; a++) {
      const i = live[a];
      let d = 0;
      for (let k = 0; k <= K; k++) d += c[k] * h[k][i];
      next[i] = 2 * x0[i] - x1[i] + kappa * (q[i] - x0[i]) + alpha * d;
    }
    for (let k = K; k > 0; k--) h[k] = h[k - 1];
    h[0] = next;
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
}
