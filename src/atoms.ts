import { InputError } from "./errors.js";
import { massOf } from "./elements.js";

/** Per-atom extra column (extended XYZ `Properties` entry other than species/pos). */
export type ArrayColumn =
  | { kind: "R"; ncols: number; data: Float64Array }
  | { kind: "I"; ncols: number; data: Int32Array }
  | { kind: "S"; ncols: number; data: string[] }
  | { kind: "L"; ncols: number; data: boolean[] };

/** Value stored in `Atoms.info` (extended XYZ header key=value pairs). */
export type InfoValue = number | string | boolean | number[] | boolean[] | string[];

export interface AtomsInit {
  symbols: string[];
  /** Cartesian positions in A, row-major N x 3. */
  positions: ArrayLike<number>;
  /** Cell rows a, b, c in A, row-major 3 x 3 (9 numbers). Zero rows allowed for open directions. */
  cell?: ArrayLike<number>;
  /** Periodicity per cell vector. */
  pbc?: [boolean, boolean, boolean];
  /** Masses in amu; defaults to standard atomic weights by symbol. */
  masses?: ArrayLike<number>;
  /** Velocities in A/fs, row-major N x 3. */
  velocities?: ArrayLike<number> | null;
  info?: Record<string, InfoValue>;
  arrays?: Record<string, ArrayColumn>;
}

/**
 * A structure, modelled on ASE's `Atoms`: species, Cartesian positions (A), cell rows (A),
 * periodicity, masses (amu) and optional velocities (A/fs). Arrays are owned by the object.
 */
export class Atoms {
  symbols: string[];
  positions: Float64Array;
  cell: Float64Array;
  pbc: [boolean, boolean, boolean];
  masses: Float64Array;
  velocities: Float64Array | null;
  info: Record<string, InfoValue>;
  arrays: Record<string, ArrayColumn>;

  constructor(init: AtomsInit) {
    const n = init.symbols.length;
    if (init.positions.length !== 3 * n) {
      throw new InputError(`positions has ${init.positions.length} numbers, expected 3 x ${n} atoms`);
    }
    this.symbols = init.symbols.slice();
    this.positions = init.positions instanceof Float64Array ? init.positions.slice() : Float64Array.from(init.positions);
    this.cell = init.cell ? Float64Array.from(init.cell) : new Float64Array(9);
    if (this.cell.length !== 9) throw new InputError(`cell has ${this.cell.length} numbers, expected 9`);
    this.pbc = init.pbc ? [init.pbc[0], init.pbc[1], init.pbc[2]] : [false, false, false];
    if (init.masses) {
      if (init.masses.length !== n) throw new InputError(`masses has ${init.masses.length} entries, expected ${n}`);
      this.masses = Float64Array.from(init.masses);
    } else {
      // One lookup per run of equal symbols (a crystal is one long run): the same numbers as one
      // lookup per atom, without a cold callback per atom at start-up.
      const masses = new Float64Array(n);
      let last: string | undefined, m = 0;
      for (let i = 0; i < n; i++) {
        const s = this.symbols[i];
        if (s !== last || i === 0) {
          m = massOf(s, i);
          last = s;
        }
        masses[i] = m;
      }
      this.masses = masses;
    }
    if (init.velocities) {
      if (init.velocities.length !== 3 * n) {
        throw new InputError(`velocities has ${init.velocities.length} numbers, expected 3 x ${n} atoms`);
      }
      this.velocities = Float64Array.from(init.velocities);
    } else {
      this.velocities = null;
    }
    this.info = { ...(init.info ?? {}) };
    this.arrays = { ...(init.arrays ?? {}) };
  }

  /** Number of atoms. */
  get length(): number {
    return this.symbols.length;
  }

  /** Cell volume in A^3 (absolute value of the triple product; 0 for a degenerate cell). */
  volume(): number {
    const c = this.cell;
    return Math.abs(
      c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) + c[2] * (c[3] * c[7] - c[4] * c[6]),
    );
  }

  /** Deep copy. */
  copy(): Atoms {
    const arrays: Record<string, ArrayColumn> = {};
    for (const [k, v] of Object.entries(this.arrays)) {
      arrays[k] = { ...v, data: v.data.slice() } as ArrayColumn;
    }
    return new Atoms({
      symbols: this.symbols,
      positions: this.positions,
      cell: this.cell,
      pbc: this.pbc,
      masses: this.masses,
      velocities: this.velocities,
      info: structuredClone(this.info),
      arrays,
    });
  }
}
