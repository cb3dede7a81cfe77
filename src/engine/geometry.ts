import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";

/** Cell data the kernels need: a non-singular frame, its inverse, periodic widths and the volume. */
export interface CellFrame {
  /** Rows a, b, c (A); non-periodic rows replaced by an orthonormal complement of the periodic ones. */
  h: Float64Array;
  /** Inverse of h: fractional s = x . g (row vector times matrix). */
  g: Float64Array;
  /** Perpendicular width along each cell vector (A); Infinity for open directions. */
  widths: [number, number, number];
  /** Volume of the cell as given (A^3); 0 for a cluster. */
  volume: number;
}

const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const scale = (a: number[], s: number) => a.map((v) => v * s);
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);

function det3(h: number[][]): number {
  return dot(h[0], cross(h[1], h[2]));
}

/**
 * Validates the cell for the periodic directions and builds the frame the kernels use. Periodic
 * vectors are kept exactly; open directions get unit vectors orthogonal to the periodic ones, so a
 * cluster or a slab may give zero or arbitrary vectors there.
 */
export function cellFrame(cell: ArrayLike<number>, pbc: readonly boolean[], source = "structure"): CellFrame {
  const rows = [0, 1, 2].map((k) => [cell[3 * k], cell[3 * k + 1], cell[3 * k + 2]]);
  for (let k = 0; k < 9; k++) {
    if (!Number.isFinite(cell[k])) throw new InputError(`${source}: cell component ${k} is ${cell[k]}, expected a finite number`);
  }
  const names = ["a", "b", "c"];
  const periodic = [0, 1, 2].filter((k) => pbc[k]);
  // Orthonormal basis of the periodic span, to test independence and to complete the frame.
  const basis: number[][] = [];
  for (const k of periodic) {
    let v = rows[k].slice();
    const len = norm(v);
    if (!(len > 1e-8)) {
      throw new InputError(`${source}: cell vector ${names[k]} is periodic but has length ${len}; a periodic direction needs a nonzero cell vector`);
    }
    for (const e of basis) v = sub(v, scale(e, dot(v, e)));
    if (norm(v) < 1e-8 * len) {
      throw new InputError(`${source}: degenerate cell: periodic vector ${names[k]} lies in the span of the other periodic vectors (zero volume)`);
    }
    basis.push(scale(v, 1 / norm(v)));
  }
  const h = rows.map((r) => r.slice());
  const axes = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (let k = 0; k < 3; k++) {
    if (pbc[k]) continue;
    // Next orthonormal complement vector: project the coordinate axes out of the current basis.
    let best: number[] = [0, 0, 0];
    for (const ax of axes) {
      let v = ax.slice();
      for (const e of basis) v = sub(v, scale(e, dot(v, e)));
      if (norm(v) > norm(best)) best = v;
    }
    const u = scale(best, 1 / norm(best));
    basis.push(u);
    h[k] = u;
  }
  const d = det3(h);
  const g = inverse3(h, d);
  const widths: [number, number, number] = [Infinity, Infinity, Infinity];
  for (const k of periodic) {
    const col = [g[k], g[3 + k], g[6 + k]];
    widths[k] = 1 / norm(col);
  }
  const volume = periodic.length > 0 ? Math.abs(det3(rows)) : 0;
  if (periodic.length === 3 && !(volume > 1e-9)) {
    throw new InputError(`${source}: degenerate cell: volume ${volume} A^3 with all directions periodic`);
  }
  return { h: Float64Array.from(h.flat()), g, widths, volume };
}

function inverse3(h: number[][], d: number): Float64Array {
  const [a, b, c] = h;
  const r0 = cross(b, c), r1 = cross(c, a), r2 = cross(a, b);
  // inverse = [r0 r1 r2] (columns) / det, so that h . inverse = I for row vectors.
  const g = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    g[3 * i + 0] = r0[i] / d;
    g[3 * i + 1] = r1[i] / d;
    g[3 * i + 2] = r2[i] / d;
  }
  return g;
}

/**
 * Stress with ASE's sign convention, -W/V (eV/A^3), Voigt order xx yy zz yz xz xy, from a full 3x3
 * virial (eV); null when no direction is periodic or the cell has no volume.
 */
export function stressFromVirial(virial: ArrayLike<number>, atoms: Atoms): Float64Array | null {
  const volume = atoms.volume();
  if (!atoms.pbc.some((p) => p) || !(volume > 0)) return null;
  return Float64Array.of(virial[0], virial[4], virial[8], virial[5], virial[2], virial[1]).map((w) => -w / volume);
}
