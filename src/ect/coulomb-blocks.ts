/**
 * Coulomb-remainder blocks for the wasm eps pass: for every ordered type pair (A, B), all state-pair
 * remainders u_{AM,BM'}(r) of the pair in one record per grid point, so that one pair of atoms reads
 * one contiguous record instead of one table per state pair.
 *
 * Record of grid point m (LAMMPS' 1-based m lives at index m-1), for S = rows (states of the model's
 * largest element) and 4 columns (the kernels' state slots):
 *   row M (0..S-1), column group g (M' = 2g, 2g+1): 8 doubles [c3, c3', c4, c4', c5, c5', c6, c6']
 *   (unprimed: column 2g, primed: 2g+1), so that one f64x2 evaluation gives two state pairs.
 * Value ((c3 p + c4) p + c5) p + c6 and slope ((3 c3 p + 2 c4) p + c5) / dr: the same cubic as the
 * 7-coefficient records of src/potentials/spline.ts (whose slope coefficients are 3c3/dr, 2c4/dr,
 * c5/dr). Missing states and points past a table's end are zero.
 *
 * Row M of block (A, B) is u_{AM, B*}; row M' of block (B, A) is column M' of block (A, B): the kernel
 * reads both, so no transposed copy is kept.
 *
 * Browser-safe.
 */
import type { SplineTable } from "../potentials/types.js";

/** Doubles per (row, column group). */
const GROUP = 8;
/** Column slots per row (the kernels' MAX_STATES). */
const COLUMNS = 4;

export interface CoulombBlocks {
  /** All blocks, block k = a * nt + b, each `points` records of `stride` doubles. */
  data: Float64Array;
  /** Doubles per grid point (rows * 16). */
  stride: number;
  /** Grid points per block. */
  points: number;
  /** Rows per record (largest number of states of an element). */
  rows: number;
}

/**
 * Packs the remainder tables coulomb[A][M][B][M'] (all on one grid) into ordered-pair blocks.
 *
 * @param coulomb  [A][M][B][M'] tables (SplineTable, 7 coefficients per point)
 * @param states   number of states per element
 * @param points   grid points to keep (covers the remainder cutoff)
 */
export function packCoulombBlocks(coulomb: SplineTable[][][][], states: number[], points: number): CoulombBlocks {
  const nt = states.length;
  const rows = Math.max(...states);
  if (rows > COLUMNS) throw new RangeError(`packCoulombBlocks: at most ${COLUMNS} states per element, got ${rows}`);
  const stride = rows * 2 * GROUP;
  const data = new Float64Array(nt * nt * points * stride);
  for (let a = 0; a < nt; a++) {
    for (let b = 0; b < nt; b++) {
      const block = (a * nt + b) * points * stride;
      for (let s = 0; s < states[a]; s++) {
        for (let u = 0; u < states[b]; u++) {
          const t = coulomb[a][s][b][u];
          const lane = u & 1;
          const group = u >> 1;
          const last = Math.min(points, t.n);
          for (let m = 0; m < last; m++) {
            const at = block + m * stride + s * 2 * GROUP + group * GROUP + lane;
            for (let k = 0; k < 4; k++) data[at + 2 * k] = t.coeffs[7 * m + 3 + k];
          }
        }
      }
    }
  }
  return { data, stride, points, rows };
}
