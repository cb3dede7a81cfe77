/**
 * Anderson acceleration of a fixed-point map x = G(x) (type II, Walker and Ni 2011): from the last
 * `depth` iterates and residuals f = G(x) - x, the next iterate is
 *   x+ = x + beta f - (dX + beta dF) gamma,   gamma = argmin |f - dF gamma|,
 * solved through the small normal equations with a relative Tikhonov term. Affine combinations keep
 * linear constraints that every iterate satisfies (sum of weights, total charge).
 */
export class AndersonMixer {
  private readonly size: number;
  private readonly depth: number;
  private readonly beta: number;
  private dX: Float64Array[] = [];
  private dF: Float64Array[] = [];
  private lastX: Float64Array | null = null;
  private lastF: Float64Array | null = null;

  constructor(size: number, depth: number, beta: number) {
    this.size = size;
    this.depth = depth;
    this.beta = beta;
  }

  /** Replaces x (in place) by the next iterate, given g = G(x). */
  step(x: Float64Array, g: Float64Array): void {
    const n = this.size;
    const f = new Float64Array(n);
    for (let k = 0; k < n; k++) f[k] = g[k] - x[k];
    if (this.lastX && this.lastF) {
      const dx = new Float64Array(n), df = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        dx[k] = x[k] - this.lastX[k];
        df[k] = f[k] - this.lastF[k];
      }
      this.dX.push(dx);
      this.dF.push(df);
      if (this.dX.length > this.depth) {
        this.dX.shift();
        this.dF.shift();
      }
    }
    this.lastX = Float64Array.from(x);
    this.lastF = f;
    const m = this.dF.length;
    const gamma = m > 0 ? this.leastSquares(f) : [];
    for (let k = 0; k < n; k++) {
      let v = x[k] + this.beta * f[k];
      for (let j = 0; j < m; j++) v -= (this.dX[j][k] + this.beta * this.dF[j][k]) * gamma[j];
      x[k] = v;
    }
  }

  /** Forgets the history (after a restart or a large change). */
  reset(): void {
    this.dX = [];
    this.dF = [];
    this.lastX = null;
    this.lastF = null;
  }

  private leastSquares(f: Float64Array): number[] {
    const m = this.dF.length;
    const a: number[][] = Array.from({ length: m }, () => new Array(m).fill(0));
    const b = new Array(m).fill(0);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < this.size; k++) s += this.dF[i][k] * this.dF[j][k];
        a[i][j] = a[j][i] = s;
      }
      let s = 0;
      for (let k = 0; k < this.size; k++) s += this.dF[i][k] * f[k];
      b[i] = s;
    }
    let trace = 0;
    for (let i = 0; i < m; i++) trace += a[i][i];
    for (let i = 0; i < m; i++) a[i][i] += 1e-12 * (trace / m) + 1e-300;
    return solveSymmetric(a, b);
  }
}

/** Gaussian elimination with partial pivoting on a small dense system. */
function solveSymmetric(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const piv = m[c][c];
    if (piv === 0) continue;
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / piv;
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = m[r][r] !== 0 ? s / m[r][r] : 0;
  }
  return x;
}
