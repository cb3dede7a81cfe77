/**
 * Pair blocks for the wasm ECT passes: for every ordered type pair (A, B), the radial functions one
 * pair of atoms needs, together in one record per grid point, so that a pair reads one or two
 * contiguous records instead of one table per function (and no directory per function).
 *
 * Every function is stored as the four value coefficients of LAMMPS' cubic on the common grid:
 * value ((c3 p + c4) p + c5) p + c6, slope ((3 c3 p + 2 c4) p + c5) / dr (the 7-coefficient records of
 * src/potentials/spline.ts keep the slope coefficients 3c3/dr, 2c4/dr, c5/dr separately). Functions
 * come in f64x2 pairs: a "group" of 8 doubles [c3, c3', c4, c4', c5, c5', c6, c6'] holds two
 * functions (unprimed in lane 0, primed in lane 1), so that one f64x2 evaluation gives both.
 * LAMMPS' 1-based grid index m lives at record m-1. Missing functions and points past a table's
 * end are zero.
 *
 * - Inner block (A, B), out to the inner cutoff: group 0 = (phi_AB, h_AB) (h = 0 without resonance),
 *   group 1+M = (f_AM, f_BM) for M < S, S = states of the model's largest element.
 * - Coulomb block (A, B), out to the remainder cutoff: row M < S of 2 groups, columns
 *   (M' = 0, 1) and (M' = 2, 3): u_{AM,BM'}, with k Q_AM Q_BM' g(r) added when the tabulated
 *   long-range kernel g is folded in. Row M' of block (B, A) is column M' of block (A, B);
 *   the kernel reads both, so no transposed copy is kept.
 *
 * Browser-safe.
 */
import type { SplineTable } from "../potentials/types.js";

/** Doubles per group (two functions). */
const GROUP = 8;
/** State slots per atom in the kernels. */
const SLOTS = 4;

/**
 * Blocks of the ordered pairs of a subset of the types (the elements present in a structure: a model
 * with many elements would otherwise fill memory with blocks no pair reads). Block k = ia * n + ib
 * for types[ia], types[ib], n = types.length; each `points` records of `stride` doubles.
 */
export interface PairBlocks {
  data: Float64Array;
  /** Type indices of the subset, in block order. */
  types: number[];
  /** Doubles per grid point. */
  stride: number;
  /** Grid points per block. */
  points: number;
}

/** Byte address of each ordered type pair's block (nt x nt, 0 for pairs outside the subset). */
export function blockDirectory(b: PairBlocks, nt: number, base: number): Int32Array {
  const dir = new Int32Array(nt * nt);
  const bytes = b.points * b.stride * 8;
  b.types.forEach((ta, ia) => b.types.forEach((tb, ib) => (dir[ta * nt + tb] = base + (ia * b.types.length + ib) * bytes)));
  return dir;
}

/** Adds c times the 4 value coefficients of table t (points < `points`) into lane `lane` of a group. */
function putFunction(data: Float64Array, t: SplineTable | null, first: number, stride: number, points: number, lane: number, c = 1): void {
  if (!t || c === 0) return;
  const last = Math.min(points, t.n);
  for (let m = 0; m < last; m++) {
    const at = first + m * stride + lane;
    for (let k = 0; k < 4; k++) data[at + 2 * k] += c * t.coeffs[7 * m + 3 + k];
  }
}

/**
 * Inner blocks: pair function, resonance coupling and the embedding densities of both atoms' states.
 *
 * @param pair       [A][B] phi_AB tables
 * @param resonance  [A][B] h_AB tables, or null
 * @param density    [A][M] f_AM tables
 * @param points     grid points to keep (covers the inner cutoff)
 * @param scale      [host A][source B] factor on the density B puts on A (pair-specific densities)
 */
export function packInnerBlocks(
  pair: SplineTable[][], resonance: SplineTable[][] | null, density: SplineTable[][], points: number, types: number[], scale: number[][],
): PairBlocks {
  const nt = types.length;
  const rows = Math.max(1, ...types.map((a) => density[a].length));
  if (rows > SLOTS) throw new RangeError(`packInnerBlocks: at most ${SLOTS} states per element, got ${rows}`);
  const stride = (1 + rows) * GROUP;
  const data = new Float64Array(nt * nt * points * stride);
  for (let ia = 0; ia < nt; ia++) {
    for (let ib = 0; ib < nt; ib++) {
      const a = types[ia], b = types[ib];
      const block = (ia * nt + ib) * points * stride;
      putFunction(data, pair[a][b], block, stride, points, 0);
      putFunction(data, resonance ? resonance[a][b] : null, block, stride, points, 1);
      // Lane 0 is i's state density as j's host sees it, lane 1 j's as i's host sees it (i of type a).
      const onB = scale[b][a], onA = scale[a][b];
      for (let m = 0; m < rows; m++) {
        putFunction(data, density[a][m] ?? null, block + (1 + m) * GROUP, stride, points, 0, onB);
        putFunction(data, density[b][m] ?? null, block + (1 + m) * GROUP, stride, points, 1, onA);
      }
    }
  }
  return { data, types: types.slice(), stride, points };
}

/**
 * Coulomb-remainder blocks: u_{AM,BM'} for all state pairs, plus k Q_AM Q_BM' g(r) when a tabulated
 * point-charge kernel g is folded in (the cubic's coefficients are linear in the tabulated values, so
 * the sum's record is the sum of the records).
 *
 * @param coulomb  [A][M][B][M'] remainder tables
 * @param points   grid points to keep (covers the remainder cutoff)
 * @param fold     kernel g(r) (1/A), Coulomb constant k (eV A/e^2) and state charges [A][M] (e)
 */
export function packCoulombBlocks(
  coulomb: SplineTable[][][][],
  points: number,
  types: number[],
  fold?: { kernel: SplineTable; k: number; charges: number[][] },
): PairBlocks {
  const nt = types.length;
  const states = coulomb.map((c) => c.length);
  const rows = Math.max(1, ...types.map((a) => states[a]));
  if (rows > SLOTS) throw new RangeError(`packCoulombBlocks: at most ${SLOTS} states per element, got ${rows}`);
  const stride = rows * 2 * GROUP;
  const data = new Float64Array(nt * nt * points * stride);
  for (let ia = 0; ia < nt; ia++) {
    for (let ib = 0; ib < nt; ib++) {
      const a = types[ia], b = types[ib];
      const block = (ia * nt + ib) * points * stride;
      for (let s = 0; s < states[a]; s++) {
        for (let u = 0; u < states[b]; u++) {
          const at = block + s * 2 * GROUP + (u >> 1) * GROUP;
          putFunction(data, coulomb[a][s][b][u], at, stride, points, u & 1);
          if (fold) putFunction(data, fold.kernel, at, stride, points, u & 1, fold.k * fold.charges[a][s] * fold.charges[b][u]);
        }
      }
    }
  }
  return { data, types: types.slice(), stride, points };
}
