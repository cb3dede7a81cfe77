import { InputError } from "../errors.js";

/** Saved state of a {@link Random}: xoshiro128** words and the cached normal deviate. */
export interface RandomState {
  words: number[];
  spare: number | null;
}

/**
 * Seeded pseudo-random numbers (xoshiro128** seeded through splitmix32), so that runs repeat
 * exactly from a seed on every platform. Not for cryptography.
 */
export class Random {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    let x = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
    for (let k = 0; k < 4; k++) {
      // splitmix32 spreads nearby seeds over the whole state
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[k] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /**
   * The generator's whole state (four 32-bit words and the cached second normal deviate), so a run
   * can be saved and resumed with the same sequence of numbers.
   */
  getState(): RandomState {
    return { words: Array.from(this.s), spare: this.spare };
  }

  /** Restores a state from {@link getState}. */
  setState(state: RandomState): void {
    if (!Array.isArray(state.words) || state.words.length !== 4 || !state.words.every((w) => Number.isInteger(w) && w >= 0 && w < 4294967296)) {
      throw new InputError("random state needs four unsigned 32-bit integer words");
    }
    if (state.words.every((w) => w === 0)) throw new InputError("random state words are all zero (xoshiro128** would stay at zero)");
    if (state.spare !== null && !Number.isFinite(state.spare)) throw new InputError(`random state spare deviate must be a finite number or null, got ${state.spare}`);
    this.s.set(state.words);
    this.spare = state.spare;
  }

  /** A generator continuing from a saved state. */
  static fromState(state: RandomState): Random {
    const r = new Random(0);
    r.setState(state);
    return r;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result / 4294967296;
  }

  /**
   * Fills `out` with standard normal deviates, the same numbers in the same order as `out.length`
   * calls of {@link normal} (and the same state afterwards), in one loop.
   */
  fillNormal(out: Float64Array): void {
    const s = this.s;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    let k = 0;
    const n = out.length;
    if (n > 0 && this.spare !== null) {
      out[k++] = this.spare;
      this.spare = null;
    }
    while (k < n) {
      // two uniforms (xoshiro128**), as uniform()
      let r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
      let t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0; s3 = (s3 ^ s1) >>> 0; s1 = (s1 ^ s2) >>> 0; s0 = (s0 ^ s3) >>> 0; s2 = (s2 ^ t) >>> 0; s3 = rotl(s3, 11);
      const u = 2 * (r / 4294967296) - 1;
      r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
      t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0; s3 = (s3 ^ s1) >>> 0; s1 = (s1 ^ s2) >>> 0; s0 = (s0 ^ s3) >>> 0; s2 = (s2 ^ t) >>> 0; s3 = rotl(s3, 11);
      const v = 2 * (r / 4294967296) - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * portableLog(q)) / q);
        out[k++] = u * f;
        if (k < n) out[k++] = v * f;
        else this.spare = v * f;
      }
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
  }

  /** Standard normal deviate (Box-Muller, polar form). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * portableLog(q)) / q);
        this.spare = v * f;
        return u * f;
      }
    }
  }
}

// Natural logarithm, fdlibm's __ieee754_log in plain IEEE arithmetic. Math.log is not the same on
// every JavaScript engine (Node 20's V8 and current Chromium's differ in the last bit for about 8 %
// of arguments); this gives Node 20's Math.log on every engine, so seeded draws repeat everywhere.
const LOG_WORDS = new DataView(new ArrayBuffer(8));
const LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10, TWO54 = 1.80143985094819840000e16;
const LG1 = 6.666666666666735130e-1, LG2 = 3.999999999940941908e-1, LG3 = 2.857142874366239149e-1, LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1, LG6 = 1.531383769920937332e-1, LG7 = 1.479819860511658591e-1;

/** ln(x) for x > 0 (fdlibm), bit for bit the same on every engine; -Infinity at 0, NaN below. */
export function portableLog(x: number): number {
  const w = LOG_WORDS;
  w.setFloat64(0, x);
  let hx = w.getInt32(0);
  const lx = w.getUint32(4);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54; // subnormal: scale up
    x *= TWO54;
    w.setFloat64(0, x);
    hx = w.getInt32(0);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  w.setInt32(0, hx | (i0 ^ 0x3ff00000)); // normalize x or x/2
  x = w.getFloat64(0);
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : k * LN2_HI - (r - k * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const ww = z * z;
  const t1 = ww * (LG2 + ww * (LG4 + ww * LG6));
  const t2 = z * (LG1 + ww * (LG3 + ww * (LG5 + ww * LG7)));
  const i = (hx - 0x6147a) | (0x6b851 - hx);
  const r = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : k * LN2_HI - (s * (f - r) - k * LN2_LO - f);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
