import { Atoms } from "../atoms.js";
import { atomicNumber } from "../elements.js";
import { InputError } from "../errors.js";

/** Cubic crystal structures understood by {@link bulk}. */
export type CubicStructure = "fcc" | "bcc" | "sc" | "diamond";

/** Every crystal {@link crystal} builds: the one-element cubic ones and rocksalt (two elements). */
export type CrystalStructure = CubicStructure | "rocksalt";

/** Elements a structure takes: rocksalt two (cation, anion), the others one. */
export function elementsOf(structure: CrystalStructure): number {
  return structure === "rocksalt" ? 2 : 1;
}

/** Fractional coordinates of the basis atoms in one conventional cubic cell, in the order they are emitted. */
const BASIS: Record<CubicStructure, readonly (readonly [number, number, number])[]> = {
  sc: [[0, 0, 0]],
  bcc: [
    [0, 0, 0],
    [0.5, 0.5, 0.5],
  ],
  fcc: [
    [0, 0, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
    [0.5, 0.5, 0],
  ],
  diamond: [
    [0, 0, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
    [0.5, 0.5, 0],
    [0.25, 0.25, 0.25],
    [0.25, 0.75, 0.75],
    [0.75, 0.25, 0.75],
    [0.75, 0.75, 0.25],
  ],
};

/** Number of atoms per conventional cubic cell for each structure (fcc 4, bcc 2, sc 1, diamond 8). */
export const ATOMS_PER_CELL: Readonly<Record<CubicStructure, number>> = {
  sc: 1,
  bcc: 2,
  fcc: 4,
  diamond: 8,
};

/**
 * Cubic-cell crystal of `repeat` = (nx, ny, nz) conventional cells (a single number means n x n x n),
 * lattice constant `a` in A, periodic in all three directions.
 *
 * The cell is diagonal, rows (nx*a, 0, 0), (0, ny*a, 0), (0, 0, nz*a) in A, with the box origin at 0.
 * Atom order: cells looped x (outermost), then y, then z (innermost); within each cell the basis atoms in
 * the order fcc (0,0,0), (0,.5,.5), (.5,0,.5), (.5,.5,0); bcc (0,0,0), (.5,.5,.5); sc (0,0,0); diamond the
 * fcc four followed by the same four shifted by (.25,.25,.25). This order need not match LAMMPS'
 * `create_atoms`. Masses are the standard atomic weight of `symbol` (amu); velocities are null.
 *
 * @param symbol chemical symbol, exact case ("Cu").
 * @param structure "fcc" | "bcc" | "sc" | "diamond".
 * @param a cubic lattice constant in A (finite, > 0).
 * @param repeat positive integer number of cells along x, y, z, or one number for all three.
 * @throws InputError for an unknown symbol or structure, a non-positive or non-finite `a`, or repeats
 *   that are not positive integers.
 */
export function bulk(symbol: string, structure: CubicStructure, a: number, repeat: [number, number, number] | number): Atoms {
  if (typeof symbol !== "string" || atomicNumber(symbol) === undefined) {
    throw new InputError(`unknown chemical symbol '${String(symbol)}' (expected an element such as 'Cu')`);
  }
  if (!Object.prototype.hasOwnProperty.call(BASIS, structure)) {
    throw new InputError(`unknown crystal structure '${String(structure)}' (expected fcc, bcc, sc or diamond)`);
  }
  if (typeof a !== "number" || !Number.isFinite(a) || a <= 0) {
    throw new InputError(`lattice constant must be a positive finite number of A, got ${String(a)}`);
  }
  const reps: number[] = typeof repeat === "number" ? [repeat, repeat, repeat] : Array.isArray(repeat) ? repeat.slice() : [];
  if (reps.length !== 3) {
    throw new InputError(`repeat must be one positive integer or three, got ${JSON.stringify(repeat)}`);
  }
  for (const r of reps) {
    if (typeof r !== "number" || !Number.isInteger(r) || r < 1) {
      throw new InputError(`repeat must be positive integers, got ${JSON.stringify(repeat)}`);
    }
  }
  const [nx, ny, nz] = reps;
  const basis = BASIS[structure];
  const n = nx * ny * nz * basis.length;
  const positions = new Float64Array(3 * n);
  // Indexed loops over a flat basis: this runs once per start-up on cold code, where destructuring
  // each basis row (an iterator per atom) cost more than the arithmetic.
  const nb = basis.length;
  const flat = new Float64Array(3 * nb);
  for (let b = 0; b < nb; b++) {
    flat[3 * b] = basis[b][0];
    flat[3 * b + 1] = basis[b][1];
    flat[3 * b + 2] = basis[b][2];
  }
  let k = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      for (let l = 0; l < nz; l++) {
        for (let b = 0; b < 3 * nb; b += 3) {
          positions[k++] = (i + flat[b]) * a;
          positions[k++] = (j + flat[b + 1]) * a;
          positions[k++] = (l + flat[b + 2]) * a;
        }
      }
    }
  }
  const cell = new Float64Array(9);
  cell[0] = nx * a;
  cell[4] = ny * a;
  cell[8] = nz * a;
  return new Atoms({
    symbols: new Array<string>(n).fill(symbol),
    positions,
    cell,
    pbc: [true, true, true],
  });
}

/**
 * Rocksalt (B1) crystal: an fcc lattice of `cation` with `anion` at (a/2, 0, 0) offsets, `repeat`
 * conventional cells (8 atoms each) per edge, lattice constant `a` in A, periodic. Atom order: cells
 * as in `bulk`, within each cell the four cations then the four anions.
 */
export function rocksalt(cation: string, anion: string, a: number, repeat: [number, number, number] | number): Atoms {
  const cations = bulk(cation, "fcc", a, repeat);
  const anions = bulk(anion, "fcc", a, repeat);
  const reps = typeof repeat === "number" ? [repeat, repeat, repeat] : repeat;
  const cells = reps[0] * reps[1] * reps[2];
  const symbols: string[] = [];
  const positions = new Float64Array(6 * cells * 4);
  const masses = new Float64Array(8 * cells);
  for (let c = 0; c < cells; c++) {
    for (let k = 0; k < 4; k++) {
      const i = 4 * c + k;
      const o = 8 * c + k;
      symbols[o] = cation;
      symbols[o + 4] = anion;
      masses[o] = cations.masses[i];
      masses[o + 4] = anions.masses[i];
      for (let d = 0; d < 3; d++) {
        positions[3 * o + d] = cations.positions[3 * i + d];
        // the anion sublattice is the cation one shifted by a/2 along x
        positions[3 * (o + 4) + d] = anions.positions[3 * i + d] + (d === 0 ? a / 2 : 0);
      }
    }
  }
  return new Atoms({ symbols, positions, cell: cations.cell, pbc: [true, true, true], masses });
}

/**
 * A cubic crystal of `symbols` (one element, or cation and anion for rocksalt), lattice constant `a`
 * in A, `repeat` conventional cells per edge: {@link bulk} or {@link rocksalt}.
 * @throws InputError when the number of symbols does not fit the structure
 */
export function crystal(symbols: readonly string[], structure: CrystalStructure, a: number, repeat: [number, number, number] | number): Atoms {
  const need = elementsOf(structure);
  if (symbols.length !== need) {
    throw new InputError(
      structure === "rocksalt"
        ? `rocksalt needs two elements, cation and anion (e.g. Na,Cl), got ${symbols.length ? symbols.join(",") : "none"}`
        : `${structure} takes one element, got ${symbols.join(",")}`,
    );
  }
  return structure === "rocksalt" ? rocksalt(symbols[0], symbols[1], a, repeat) : bulk(symbols[0], structure, a, repeat);
}
