/**
 * Direct enumeration of LAMMPS' full neighbour list within a cutoff, over periodic images: every
 * ordered pair (i, j + T) with T = n0 a + n1 b + n2 c (n_d = 0 along open directions), j + T != i,
 * and |x_i - (x_j + T)|^2 <= rc^2 (LAMMPS skips only rsq > rc^2). Images of i itself are included.
 * O(N^2) with the image range cut per pair to what can reach rc; for reference code on small cells.
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";

/**
 * Called once per ordered pair: delr = x_i - (x_j + T) in A, rsq = |delr|^2 in A^2.
 * `j` is the atom the image belongs to (equal to `i` for a self-image).
 */
export type PairVisitor = (i: number, j: number, dx: number, dy: number, dz: number, rsq: number) => void;

/** 3x3 inverse of the row matrix (rows a, b, c); null when singular. */
function inverseRows(c: ArrayLike<number>): Float64Array | null {
  const [a0, a1, a2, b0, b1, b2, c0, c1, c2] = Array.from(c);
  const det = a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
  if (!(Math.abs(det) > 0)) return null;
  return Float64Array.of(
    (b1 * c2 - b2 * c1) / det,
    (a2 * c1 - a1 * c2) / det,
    (a1 * b2 - a2 * b1) / det,
    (b2 * c0 - b0 * c2) / det,
    (a0 * c2 - a2 * c0) / det,
    (a2 * b0 - a0 * b2) / det,
    (b0 * c1 - b1 * c0) / det,
    (a1 * c0 - a0 * c1) / det,
    (a0 * b1 - a1 * b0) / det,
  );
}

/**
 * Visits every ordered pair within `cutoff` (A) of `atoms`, in the order i, then j, then image.
 *
 * @returns the number of pairs visited
 * @throws InputError when a direction is periodic but the cell has no volume
 */
export function forEachPair(atoms: Atoms, cutoff: number, visit: PairVisitor): number {
  const n = atoms.length;
  const x = atoms.positions;
  const cell = atoms.cell;
  const pbc = atoms.pbc;
  const periodic = pbc[0] || pbc[1] || pbc[2];
  const rcsq = cutoff * cutoff;
  const frac = new Float64Array(3 * n);
  const reach = [0, 0, 0];
  if (periodic) {
    const inv = inverseRows(cell);
    if (!inv || atoms.volume() <= 0) {
      throw new InputError("a periodic structure needs a cell with non-zero volume (all three vectors)");
    }
    for (let d = 0; d < 3; d++) {
      // column d of inv is the reciprocal vector b_d; 1/|b_d| is the spacing of the lattice planes d.
      const bd = Math.hypot(inv[d], inv[3 + d], inv[6 + d]);
      reach[d] = pbc[d] ? cutoff * bd * (1 + 1e-12) + 1e-12 : 0;
    }
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < 3; d++) {
        frac[3 * i + d] = x[3 * i] * inv[d] + x[3 * i + 1] * inv[3 + d] + x[3 * i + 2] * inv[6 + d];
      }
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[3 * i];
    const yi = x[3 * i + 1];
    const zi = x[3 * i + 2];
    for (let j = 0; j < n; j++) {
      let lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0;
      if (periodic) {
        // image n_d can only reach when |s_d - n_d| <= rc |b_d|, s = frac_i - frac_j
        const s0 = frac[3 * i] - frac[3 * j];
        const s1 = frac[3 * i + 1] - frac[3 * j + 1];
        const s2 = frac[3 * i + 2] - frac[3 * j + 2];
        lo0 = Math.ceil(s0 - reach[0]);
        hi0 = Math.floor(s0 + reach[0]);
        lo1 = Math.ceil(s1 - reach[1]);
        hi1 = Math.floor(s1 + reach[1]);
        lo2 = Math.ceil(s2 - reach[2]);
        hi2 = Math.floor(s2 + reach[2]);
      }
      const xj = x[3 * j];
      const yj = x[3 * j + 1];
      const zj = x[3 * j + 2];
      for (let n0 = lo0; n0 <= hi0; n0++) {
        for (let n1 = lo1; n1 <= hi1; n1++) {
          for (let n2 = lo2; n2 <= hi2; n2++) {
            if (j === i && n0 === 0 && n1 === 0 && n2 === 0) continue;
            // ghost = x_j + T, then delr = x_i - ghost, as LAMMPS does with its ghost atoms
            const dx = xi - (xj + (n0 * cell[0] + n1 * cell[3] + n2 * cell[6]));
            const dy = yi - (yj + (n0 * cell[1] + n1 * cell[4] + n2 * cell[7]));
            const dz = zi - (zj + (n0 * cell[2] + n1 * cell[5] + n2 * cell[8]));
            const rsq = dx * dx + dy * dy + dz * dz;
            if (rsq > rcsq) continue;
            count++;
            visit(i, j, dx, dy, dz, rsq);
          }
        }
      }
    }
  }
  return count;
}
