/**
 * Gaussian cube files (volumetric data on a grid plus the atoms), written the way Gaussian's `cubegen`
 * does and readable by VMD, VESTA, Jmol/Avogadro and ASE (`ase.io.cube.read_cube_data`):
 * ```
 * ect-eam electron density                          comment line 1 (free text)
 * OUTER LOOP: X, MIDDLE LOOP: Y, INNER LOOP: Z      comment line 2 (this text: ASE reads the loop order from it)
 *     3   -7.558906   -7.558906   -7.558906         natoms, origin (bohr)
 *    80    0.188973    0.000000    0.000000         n1, step vector of the slowest direction (bohr)
 *    80    0.000000    0.188973    0.000000         n2, step vector
 *    80    0.000000    0.000000    0.188973         n3, step vector of the fastest direction
 *    11   11.000000    0.000000    0.000000    0.000000    Z, charge, x, y, z (bohr), one line per atom
 *  1.23456E-05  2.34567E-05 ...                     values (e/bohr^3), 6 per line, each row of n3 on new lines
 * ```
 * Lengths in the file are in bohr and densities in electrons/bohr^3, as the format requires; the
 * in-memory {@link DensityGrid} is in A and electrons/A^3 (converted with {@link BOHR_ANGSTROM}).
 * The reader also accepts negative voxel counts (the format's marker for lengths in A; the values are
 * then taken as per A^3), a negative atom count followed by one data-set line with one data set
 * (molecular-orbital cubes), an optional fifth number 1 on the natoms line, and Fortran `D` exponents.
 *
 * Browser-safe (no Node imports).
 */
import { Atoms } from "../atoms.js";
import { atomicNumber, symbolOf } from "../elements.js";
import { InputError } from "../errors.js";
import type { DensityGrid, Vec3 } from "../ect/density-grid.js";

/** 1 bohr in A (CODATA 2018). */
export const BOHR_ANGSTROM = 0.529177210903;

/** The second comment line written by {@link formatCube} (the Gaussian convention; ASE parses it). */
export const CUBE_LOOP_LINE = "OUTER LOOP: X, MIDDLE LOOP: Y, INNER LOOP: Z";

/** Options of {@link formatCube}. */
export interface FormatCubeOptions {
  /** First comment line (default `ect-eam electron density (e/bohr^3)`); line breaks become spaces. */
  comment?: string;
  /**
   * The per-atom charge column (e), e.g. ECT charges or valence core charges; default the nuclear
   * charge Z as Gaussian writes it.
   */
  charges?: Float64Array;
}

/** Result of {@link parseCube}. */
export interface ParsedCube {
  /** The grid in A and, for a file in bohr, values converted from per bohr^3 to per A^3. */
  grid: DensityGrid;
  /**
   * The atoms (positions in A). As ASE does, the cell is the grid box (n_d times step vector d) and
   * nothing is periodic: a cube file does not record periodicity.
   */
  atoms: Atoms;
  /** Atomic numbers as written in the file. */
  numbers: Int32Array;
  /** The charge column of the atom lines (e), as written. */
  charges: Float64Array;
  /** The two comment lines (without line breaks). */
  comments: [string, string];
}

// ------------------------------------------------------------------------------------------------
// Writing
// ------------------------------------------------------------------------------------------------

/** C's `%w.pf`, with at least one leading space so that fields never run together. */
function fixed(x: number, width: number, decimals: number): string {
  let s = (Object.is(x, -0) ? 0 : x).toFixed(decimals);
  if (s === `-${(0).toFixed(decimals)}`) s = s.slice(1);
  return s.length >= width ? ` ${s}` : s.padStart(width);
}

/** C's `%13.5E` (two-digit exponent at least), with at least one leading space. */
function scientific(x: number): string {
  const s = x.toExponential(5);
  const e = s.indexOf("e");
  const exp = Number(s.slice(e + 1));
  const digits = String(Math.abs(exp)).padStart(2, "0");
  const out = `${s.slice(0, e)}E${exp < 0 ? "-" : "+"}${digits}`;
  return out.length >= 13 ? ` ${out}` : out.padStart(13);
}

function integerField(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? ` ${s}` : s.padStart(width);
}

/**
 * Write a grid and its atoms as a Gaussian cube file (text, `\n` line ends).
 *
 * Lengths are converted from A to bohr (%12.6f), values from electrons/A^3 to electrons/bohr^3
 * (%13.5E, 6 per line, each row of the fastest direction starting on a new line); values with
 * |v| < 1e-99 are written as 0 (as ASE does: Fortran readers choke on three-digit exponents).
 *
 * @param grid  the grid (origin and axes in A, values in e/A^3 in cube order)
 * @param atoms the atoms (positions in A; chemical symbols become atomic numbers)
 * @param opts  `comment`: first line; `charges`: the per-atom charge column (e), default Z
 * @throws InputError when `values` or `charges` has the wrong length, a value is not finite, or an
 *         atom's symbol is not an element
 */
export function formatCube(grid: DensityGrid, atoms: Atoms, opts: FormatCubeOptions = {}): string {
  const [n0, n1, n2] = grid.shape;
  for (const m of grid.shape) {
    if (!(Number.isInteger(m) && m >= 1)) throw new InputError(`grid shape must be 3 integers >= 1, got ${grid.shape.join(" x ")}`);
  }
  if (grid.values.length !== n0 * n1 * n2) {
    throw new InputError(`grid has ${grid.values.length} values, expected ${n0} x ${n1} x ${n2} = ${n0 * n1 * n2}`);
  }
  const n = atoms.length;
  if (opts.charges && opts.charges.length !== n) {
    throw new InputError(`charges has ${opts.charges.length} entries, expected ${n} (one per atom)`);
  }
  const toBohr = 1 / BOHR_ANGSTROM;
  const perBohr3 = BOHR_ANGSTROM ** 3;
  const vec = (v: readonly number[]) => v.map((x) => fixed(x * toBohr, 12, 6)).join("");
  const out: string[] = [];
  const comment = (opts.comment ?? "ect-eam electron density (e/bohr^3)").replace(/[\r\n]+/g, " ");
  out.push(comment, CUBE_LOOP_LINE);
  out.push(integerField(n, 5) + vec(grid.origin));
  for (let d = 0; d < 3; d++) out.push(integerField(grid.shape[d], 5) + vec(grid.axes[d]));
  for (let i = 0; i < n; i++) {
    const z = atomicNumber(atoms.symbols[i]);
    if (z === undefined) throw new InputError(`unknown chemical symbol '${atoms.symbols[i]}'`, { atom: i });
    const q = opts.charges ? opts.charges[i] : z;
    out.push(integerField(z, 5) + fixed(q, 12, 6) + vec(Array.from(atoms.positions.subarray(3 * i, 3 * i + 3))));
  }
  const v = grid.values;
  for (let row = 0; row < n0 * n1; row++) {
    let line = "";
    for (let k = 0; k < n2; k++) {
      const x = v[row * n2 + k];
      if (!Number.isFinite(x)) throw new InputError(`grid value ${row * n2 + k} is not finite: ${x}`);
      const y = x * perBohr3;
      line += scientific(Math.abs(y) < 1e-99 ? 0 : y);
      if (k % 6 === 5 || k === n2 - 1) {
        out.push(line);
        line = "";
      }
    }
  }
  return `${out.join("\n")}\n`;
}

// ------------------------------------------------------------------------------------------------
// Reading
// ------------------------------------------------------------------------------------------------

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;

/**
 * Read a Gaussian cube file.
 *
 * @param text     the file's text
 * @param fileName name quoted in error messages
 * @returns the grid (A, values per A^3), the atoms (A), their atomic numbers, charges and the comments
 * @throws InputError with the file and 1-based line of the first malformed or missing entry: a header
 *         line with too few or non-numeric fields, a zero voxel count, an unknown atomic number, a value
 *         that is not a number, too few or too many values
 */
export function parseCube(text: string, fileName?: string): ParsedCube {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const fail = (message: string, line: number): never => {
    throw new InputError(message, { file: fileName ?? "<cube>", line });
  };
  let at = 0; // index of the next line
  const next = (what: string): string => {
    if (at >= lines.length) fail(`unexpected end of file: expected ${what}`, at + 1);
    return lines[at++];
  };
  const num = (tok: string | undefined, what: string, line: number): number => {
    if (tok === undefined) fail(`missing ${what}`, line);
    if (!NUMBER_RE.test(tok!)) fail(`${what}: expected a number, got '${tok}'`, line);
    return Number(tok!.replace(/[dD]/, "e"));
  };
  const int = (tok: string | undefined, what: string, line: number): number => {
    if (tok === undefined) fail(`missing ${what}`, line);
    if (!INT_RE.test(tok!)) fail(`${what}: expected an integer, got '${tok}'`, line);
    return Number(tok);
  };

  const comments: [string, string] = [next("the first comment line"), next("the second comment line")];

  let f = next("the line 'natoms x0 y0 z0'").trim().split(/\s+/);
  let line = at;
  const natomsSigned = int(f[0], "number of atoms", line);
  const originRaw = [0, 1, 2].map((c) => num(f[1 + c], `origin ${"xyz"[c]}`, line));
  if (f.length >= 5) {
    const nval = int(f[4], "number of values per point", line);
    if (nval !== 1) fail(`${nval} values per grid point are not supported (only 1)`, line);
  }
  if (f.length > 5) fail(`expected 'natoms x0 y0 z0 [nval]', got ${f.length} fields`, line);

  const shape: number[] = [];
  const axesRaw: Vec3[] = [];
  let angstrom = false;
  for (let d = 0; d < 3; d++) {
    f = next(`the line 'n${d + 1} x y z' of grid direction ${d + 1}`).trim().split(/\s+/);
    line = at;
    const m = int(f[0], `number of points along direction ${d + 1}`, line);
    if (m === 0) fail(`number of points along direction ${d + 1} must not be 0`, line);
    if (d === 0) angstrom = m < 0;
    else if (m < 0 !== angstrom) fail("the signs of the numbers of points (bohr if > 0, A if < 0) disagree", line);
    shape.push(Math.abs(m));
    axesRaw.push([0, 1, 2].map((c) => num(f[1 + c], `step vector ${"xyz"[c]}`, line)) as Vec3);
    if (f.length > 4) fail(`expected 'n x y z', got ${f.length} fields`, line);
  }
  const unit = angstrom ? 1 : BOHR_ANGSTROM;

  const natoms = Math.abs(natomsSigned);
  const numbers = new Int32Array(natoms);
  const charges = new Float64Array(natoms);
  const positions = new Float64Array(3 * natoms);
  const symbols: string[] = [];
  for (let i = 0; i < natoms; i++) {
    f = next(`the line 'Z charge x y z' of atom ${i + 1} of ${natoms}`).trim().split(/\s+/);
    line = at;
    const z = int(f[0], "atomic number", line);
    const sym = symbolOf(z);
    if (sym === undefined) fail(`atomic number ${z} is not an element (1..118)`, line);
    numbers[i] = z;
    symbols.push(sym!);
    charges[i] = num(f[1], "charge", line);
    for (let c = 0; c < 3; c++) positions[3 * i + c] = num(f[2 + c], `atom ${"xyz"[c]}`, line) * unit;
    if (f.length > 5) fail(`expected 'Z charge x y z', got ${f.length} fields`, line);
  }

  // Data values, read line by line. A negative atom count announces a data-set line 'm id1 ... idm'
  // before them (orbital cubes; it may wrap): only m = 1 is supported.
  const total = shape[0] * shape[1] * shape[2];
  const scaleValue = 1 / unit ** 3;
  // Each value takes at least 2 characters: refuse to allocate for a header that promises more.
  if (total > text.length) fail(`expected ${total} values (${shape.join(" x ")}), the file is too short`, lines.length + 1);
  const values = new Float64Array(total);
  let p = 0;
  let header = natomsSigned < 0 ? -1 : 0; // -1: expecting m, > 0: data-set ids still to skip
  for (; at < lines.length; at++) {
    const ln = at + 1;
    for (const tok of lines[at].trim().split(/\s+/)) {
      if (tok === "") continue;
      if (header === -1) {
        const m = int(tok, "number of data sets (after a negative atom count)", ln);
        if (m !== 1) fail(`${m} data sets per file are not supported (only 1)`, ln);
        header = 1;
        continue;
      }
      if (header > 0) {
        int(tok, "data set id", ln);
        header--;
        continue;
      }
      if (p === total) fail(`expected ${total} values (${shape.join(" x ")}), found more: '${tok}'`, ln);
      if (!NUMBER_RE.test(tok)) fail(`grid value ${p + 1} of ${total}: expected a number, got '${tok}'`, ln);
      values[p++] = Number(tok.replace(/[dD]/, "e")) * scaleValue;
    }
  }
  if (header !== 0) fail("unexpected end of file: expected the data-set line 'm id' (negative atom count)", lines.length + 1);
  if (p < total) fail(`unexpected end of file: expected ${total} values (${shape.join(" x ")}), found ${p}`, lines.length + 1);

  const origin = originRaw.map((x) => x * unit) as Vec3;
  const axes = axesRaw.map((a) => a.map((x) => x * unit)) as [Vec3, Vec3, Vec3];
  const cell = axes.flatMap((a, d) => a.map((x) => x * shape[d]));
  const atoms = new Atoms({ symbols, positions, cell, pbc: [false, false, false] });
  return {
    grid: { origin, axes, shape: shape as [number, number, number], values },
    atoms,
    numbers,
    charges,
    comments,
  };
}
