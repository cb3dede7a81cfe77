// 3x3 matrices as 9 numbers, row-major. Small helpers for the cell filter and the strain code.

/** a b (matrix product). */
export function mul3(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const c = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  }
  return c;
}

/** Transpose. */
export function transpose3(a: ArrayLike<number>): Float64Array {
  return Float64Array.of(a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]);
}

/** Determinant. */
export function det3(a: ArrayLike<number>): number {
  return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
}

/** Inverse (the caller makes sure the determinant is not zero). */
export function inv3(a: ArrayLike<number>): Float64Array {
  const d = det3(a);
  return Float64Array.of(
    (a[4] * a[8] - a[5] * a[7]) / d, (a[2] * a[7] - a[1] * a[8]) / d, (a[1] * a[5] - a[2] * a[4]) / d,
    (a[5] * a[6] - a[3] * a[8]) / d, (a[0] * a[8] - a[2] * a[6]) / d, (a[2] * a[3] - a[0] * a[5]) / d,
    (a[3] * a[7] - a[4] * a[6]) / d, (a[1] * a[6] - a[0] * a[7]) / d, (a[0] * a[4] - a[1] * a[3]) / d,
  );
}

/** Identity. */
export function eye3(): Float64Array {
  return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
}

/** Voigt (xx yy zz yz xz xy) to a symmetric 3x3. */
export function voigtToMatrix(v: ArrayLike<number>): Float64Array {
  return Float64Array.of(v[0], v[5], v[4], v[5], v[1], v[3], v[4], v[3], v[2]);
}

/** Symmetric 3x3 to Voigt (xx yy zz yz xz xy), averaging the off-diagonal pairs. */
export function matrixToVoigt(m: ArrayLike<number>): Float64Array {
  return Float64Array.of(m[0], m[4], m[8], (m[5] + m[7]) / 2, (m[2] + m[6]) / 2, (m[1] + m[3]) / 2);
}

/** Frobenius inner product a:b. */
export function ddot3(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < 9; i++) s += a[i] * b[i];
  return s;
}

/**
 * Rows r (N x 3) times m^T: each row vector r_i becomes (m r_i^T)^T. Cell rows and positions
 * transform this way under the deformation gradient m.
 */
export function rowsTimesTranspose(rows: ArrayLike<number>, m: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += 3) {
    const x = rows[i], y = rows[i + 1], z = rows[i + 2];
    out[i] = m[0] * x + m[1] * y + m[2] * z;
    out[i + 1] = m[3] * x + m[4] * y + m[5] * z;
    out[i + 2] = m[6] * x + m[7] * y + m[8] * z;
  }
  return out;
}
