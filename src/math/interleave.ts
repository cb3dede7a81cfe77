/** Structure-of-arrays to row-major: the first `n` entries of a, b, c as a new n x 3 array. */
export function interleave3(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[3 * i] = a[i];
    out[3 * i + 1] = b[i];
    out[3 * i + 2] = c[i];
  }
  return out;
}

/** Row-major to structure-of-arrays: the n x 3 array `rows` into the first `n` entries of a, b, c. */
export function deinterleave3(rows: ArrayLike<number>, a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    a[i] = rows[3 * i];
    b[i] = rows[3 * i + 1];
    c[i] = rows[3 * i + 2];
  }
}
