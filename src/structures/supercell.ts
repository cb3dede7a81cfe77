import { Atoms, type ArrayColumn } from "../atoms.js";
import { InputError } from "../errors.js";

function checkRepeat(repeat: [number, number, number] | number): [number, number, number] {
  const r = typeof repeat === "number" ? [repeat, repeat, repeat] : Array.isArray(repeat) ? repeat.slice() : [];
  if (r.length !== 3 || r.some((k) => typeof k !== "number" || !Number.isInteger(k) || k < 1)) {
    throw new InputError(`repeat must be one positive integer or three, got ${JSON.stringify(repeat)}`);
  }
  return r as [number, number, number];
}

/**
 * Diagonal supercell (ASE's `atoms.repeat`): `repeat` = (na, nb, nc) copies along the cell rows a,
 * b, c (A). Atom order: the original atoms for image (0,0,0), then images looped a (outermost), b,
 * c. Per-atom arrays, masses and velocities are copied; `info` is kept.
 * @throws InputError for repeats that are not positive integers, or a repeat > 1 along a direction
 *   that is not periodic.
 */
export function supercell(atoms: Atoms, repeat: [number, number, number] | number): Atoms {
  const r = checkRepeat(repeat);
  for (let k = 0; k < 3; k++) {
    if (r[k] > 1 && !atoms.pbc[k]) throw new InputError(`cannot repeat along cell vector ${"abc"[k]}: that direction is not periodic`);
  }
  const n = atoms.length;
  const copies = r[0] * r[1] * r[2];
  const positions = new Float64Array(3 * n * copies);
  const c = atoms.cell;
  let k = 0;
  for (let i = 0; i < r[0]; i++) {
    for (let j = 0; j < r[1]; j++) {
      for (let l = 0; l < r[2]; l++) {
        const sx = i * c[0] + j * c[3] + l * c[6];
        const sy = i * c[1] + j * c[4] + l * c[7];
        const sz = i * c[2] + j * c[5] + l * c[8];
        for (let a = 0; a < n; a++) {
          positions[k++] = atoms.positions[3 * a] + sx;
          positions[k++] = atoms.positions[3 * a + 1] + sy;
          positions[k++] = atoms.positions[3 * a + 2] + sz;
        }
      }
    }
  }
  const tile = <T, A extends { [i: number]: T }>(src: ArrayLike<T>, out: A): A => {
    for (let m = 0; m < copies; m++) for (let a = 0; a < src.length; a++) out[m * src.length + a] = src[a];
    return out;
  };
  const arrays: Record<string, ArrayColumn> = {};
  for (const [name, col] of Object.entries(atoms.arrays)) {
    const len = col.data.length * copies;
    let data: ArrayColumn["data"];
    if (col.kind === "R") data = tile(col.data, new Float64Array(len));
    else if (col.kind === "I") data = tile(col.data, new Int32Array(len));
    else data = tile<unknown, unknown[]>(col.data, new Array<unknown>(len)) as string[] | boolean[];
    arrays[name] = { ...col, data } as ArrayColumn;
  }
  const cell = c.slice();
  for (let d = 0; d < 3; d++) for (let e = 0; e < 3; e++) cell[3 * d + e] *= r[d];
  return new Atoms({
    symbols: tile(atoms.symbols, new Array<string>(n * copies)),
    positions,
    cell,
    pbc: atoms.pbc,
    masses: tile(atoms.masses, new Float64Array(n * copies)),
    velocities: atoms.velocities ? tile(atoms.velocities, new Float64Array(3 * n * copies)) : null,
    info: structuredClone(atoms.info),
    arrays,
  });
}

/**
 * A copy of `atoms` without the atoms at `indices` (0-based): a vacancy, or several. Cell, pbc,
 * info and per-atom arrays of the remaining atoms are kept, in their original order.
 * @throws InputError for an index out of range or removing every atom.
 */
export function removeAtoms(atoms: Atoms, indices: readonly number[]): Atoms {
  const n = atoms.length;
  const drop = new Uint8Array(n);
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new InputError(`atom index ${String(i)} out of range (structure has ${n} atoms)`);
    drop[i] = 1;
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!drop[i]) keep.push(i);
  if (keep.length === 0) throw new InputError("removing these atoms leaves an empty structure");
  const pick3 = (src: Float64Array) => {
    const out = new Float64Array(3 * keep.length);
    keep.forEach((i, k) => out.set(src.subarray(3 * i, 3 * i + 3), 3 * k));
    return out;
  };
  const arrays: Record<string, ArrayColumn> = {};
  for (const [name, col] of Object.entries(atoms.arrays)) {
    const w = col.ncols;
    const src = col.data as ArrayLike<unknown>;
    const out: unknown[] = [];
    for (const i of keep) for (let c = 0; c < w; c++) out.push(src[i * w + c]);
    const data = col.kind === "R" ? Float64Array.from(out as number[]) : col.kind === "I" ? Int32Array.from(out as number[]) : out;
    arrays[name] = { ...col, data } as ArrayColumn;
  }
  return new Atoms({
    symbols: keep.map((i) => atoms.symbols[i]),
    positions: pick3(atoms.positions),
    cell: atoms.cell,
    pbc: atoms.pbc,
    masses: keep.map((i) => atoms.masses[i]),
    velocities: atoms.velocities ? pick3(atoms.velocities) : null,
    info: structuredClone(atoms.info),
    arrays,
  });
}
