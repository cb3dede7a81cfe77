/**
 * Reading extended XYZ text into `Atoms` (see `extxyz.ts` for the format and its units): the frame
 * loop, the atom count, header keys with a meaning of their own (`Lattice`, `pbc`, `Properties`),
 * the atom rows by column type, and species, masses and velocities from the special columns.
 * The syntax it shares with the writer is in `extxyz-syntax.ts`.
 */
import { Atoms, type ArrayColumn, type InfoValue } from "../atoms.js";
import { massOf, symbolOf } from "../elements.js";
import { InputError, type InputLocation } from "../errors.js";
import {
  ASE_FS,
  convertValue,
  fmtNum,
  INT_RE,
  parseFloatPy,
  parseProperties,
  splitHeader,
  type ColType,
  type Property,
} from "./extxyz-syntax.js";

const DEFAULT_PROPERTIES = "species:S:1:pos:R:3";

/**
 * Parse every frame of an extended XYZ text.
 *
 * Returns `Atoms` with positions in A, cell rows (`Lattice`) in A, pbc from `pbc=` (default T T T when
 * `Lattice` is given, else F F F), masses in amu (`masses`/`mass` column, else standard atomic weights),
 * velocities in A/fs (`velo`/`velocities` column in A/fs, or ASE `momenta` converted with the masses).
 * Species come from `species` (capitalised as ASE does: "cu" -> "Cu"), or from an integer `Z` column
 * when there is no `species`. Other columns go to `arrays` with their type (R -> Float64Array,
 * I -> Int32Array, S -> string[], L -> boolean[], row-major N x ncols). Other header keys go to `info`.
 * Blank lines between and after frames are skipped.
 *
 * @param text the file contents
 * @param fileName used in error messages only
 * @throws InputError with `file`, 1-based `line` and 0-based `frame` (and `atom` when one atom is at fault)
 */
export function parseExtxyz(text: string, fileName?: string): Atoms[] {
  const lines = text.split(/\r?\n/);
  let lastContent = lines.length - 1;
  while (lastContent >= 0 && lines[lastContent].trim() === "") lastContent--;
  const frames: Atoms[] = [];
  let i = 0; // 0-based index of the next line
  for (;;) {
    while (i <= lastContent && lines[i].trim() === "") i++;
    if (i > lastContent) break;
    const frame = frames.length;
    const r = parseFrame(lines, lastContent, i, frame, fileName);
    frames.push(r.atoms);
    i = r.next;
  }
  return frames;
}

function parseFrame(
  lines: string[],
  lastContent: number,
  first: number,
  frame: number,
  file: string | undefined,
): { atoms: Atoms; next: number } {
  const at = (lineIdx: number, atom?: number): InputLocation =>
    atom === undefined ? { file, line: lineIdx + 1, frame } : { file, line: lineIdx + 1, frame, atom };

  // Atom count.
  const countTok = lines[first].trim();
  if (!/^\+?\d+$/.test(countTok)) {
    throw new InputError(`expected the atom count (a non-negative integer) on the first line of a frame, found '${countTok}'`, at(first));
  }
  const n = Number(countTok);
  if (!Number.isSafeInteger(n)) throw new InputError(`atom count '${countTok}' is too large`, at(first));

  // Header.
  const h = first + 1;
  if (h >= lines.length) {
    throw new InputError(`declares ${n} atoms, but the file ended before its comment (header) line`, at(first));
  }
  const pairs = splitHeader(lines[h]);
  const info: Record<string, InfoValue> = {};
  let latticeRaw: string | null | undefined;
  let propsRaw: string | null | undefined;
  let pbcRaw: string | null | undefined;
  let hasPbc = false;
  let hasLattice = false;
  for (const { key, value } of pairs) {
    if (key === "Lattice") {
      latticeRaw = value;
      hasLattice = true;
    } else if (key === "Properties") {
      propsRaw = value;
    } else if (key === "pbc") {
      pbcRaw = value;
      hasPbc = true;
    } else {
      info[key] = convertValue(key, value);
      if ((key === "stress" || key === "virial") && !isNumberArray(info[key], 9)) {
        throw new InputError(`${key} must be 9 numbers (a 3x3 matrix, row-major), found '${value ?? ""}'`, at(h));
      }
    }
  }

  // Cell.
  let cell = new Float64Array(9);
  if (hasLattice) {
    const toks = latticeRaw === null || latticeRaw === undefined ? [] : latticeRaw.match(/[^\s,]+/g) ?? [];
    const nums = toks.map(parseFloatPy);
    if (toks.length !== 9 || nums.some((x) => x === undefined)) {
      throw new InputError(
        `cannot parse Lattice="${latticeRaw ?? ""}": needs 9 numbers (cell rows a, b, c in A), found ${toks.length} value(s)`,
        at(h),
      );
    }
    const bad = nums.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new InputError(`Lattice has a non-finite value '${toks[bad]}'; needs 9 finite numbers`, at(h));
    cell = Float64Array.from(nums as number[]);
  }

  // Periodicity.
  let pbc: [boolean, boolean, boolean] = hasLattice ? [true, true, true] : [false, false, false];
  if (hasPbc) {
    const v = convertValue("pbc", pbcRaw ?? null);
    if (typeof v === "boolean") pbc = [v, v, v];
    else if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === "boolean")) {
      pbc = [v[0] as boolean, v[1] as boolean, v[2] as boolean];
    } else if (Array.isArray(v) && v.length === 3 && v.every((x) => x === 0 || x === 1)) {
      pbc = [v[0] === 1, v[1] === 1, v[2] === 1];
    } else {
      throw new InputError(`cannot parse pbc="${pbcRaw ?? ""}": expected 3 booleans such as pbc="T T F"`, at(h));
    }
  }

  // Properties.
  const propSpec = propsRaw === undefined ? DEFAULT_PROPERTIES : (propsRaw ?? "");
  const props = parseProperties(propSpec, at(h));
  const byName = new Map(props.map((p) => [p.name, p]));
  const species = byName.get("species");
  const zcol = species ? undefined : byName.get("Z");
  const pos = byName.get("pos");
  if (!species && !zcol) {
    throw new InputError(`Properties=${propSpec} has no species column; expected e.g. species:S:1:pos:R:3`, at(h));
  }
  if (!pos) throw new InputError(`Properties=${propSpec} has no pos column; expected e.g. species:S:1:pos:R:3`, at(h));
  const requireShape = (p: Property, types: ColType[], ncols: number) => {
    if (!types.includes(p.type) || p.ncols !== ncols) {
      throw new InputError(
        `property '${p.name}' is ${p.type}:${p.ncols}, expected ${types.join(" or ")}:${ncols}`,
        at(h),
      );
    }
  };
  if (species) requireShape(species, ["S"], 1);
  if (zcol) requireShape(zcol, ["I"], 1);
  requireShape(pos, ["R"], 3);
  const massCol = byName.get("masses") ?? byName.get("mass");
  if (massCol) requireShape(massCol, ["R"], 1);
  const veloCol = byName.get("velo") ?? byName.get("velocities");
  if (veloCol) requireShape(veloCol, ["R"], 3);
  const momCol = veloCol ? undefined : byName.get("momenta");
  if (momCol) requireShape(momCol, ["R"], 3);
  const special = new Set<Property>([pos]);
  for (const p of [species, zcol, massCol, veloCol, momCol]) if (p) special.add(p);

  // Column storage.
  const ntot = props.reduce((s, p) => s + p.ncols, 0);
  const store = new Map<Property, Float64Array | Int32Array | string[] | boolean[]>();
  // A count beyond the lines left is refused before arrays of that size are made.
  if (h + n > lastContent) {
    throw new InputError(`declares ${n} atoms, but the file ended after ${Math.max(0, lastContent - h)} atom line(s) (at line ${lastContent + 1})`, at(first));
  }
  for (const p of props) {
    const len = n * p.ncols;
    store.set(
      p,
      p.type === "R"
        ? new Float64Array(len)
        : p.type === "I"
          ? new Int32Array(len)
          : p.type === "S"
            ? new Array<string>(len)
            : new Array<boolean>(len),
    );
  }

  // Atom rows.
  const body = h + 1;
  for (let a = 0; a < n; a++) {
    const li = body + a;
    if (li > lastContent) {
      throw new InputError(
        `declares ${n} atoms, but the file ended after ${a} atom line(s) (at line ${lastContent + 1})`,
        at(first),
      );
    }
    const line = lines[li].trim();
    const toks = line === "" ? [] : line.split(/\s+/);
    if (toks.length !== ntot) {
      throw new InputError(
        `${toks.length} column(s), expected ${ntot} per Properties=${propSpec}`,
        at(li, a),
      );
    }
    for (const p of props) {
      const dst = store.get(p)!;
      for (let c = 0; c < p.ncols; c++) {
        const tok = toks[p.start + c];
        const k = a * p.ncols + c;
        const colDesc = () => (p.ncols === 1 ? `'${p.name}'` : `'${p.name}' (column ${c + 1} of ${p.ncols})`);
        switch (p.type) {
          case "R": {
            const v = parseFloatPy(tok);
            if (v === undefined) {
              throw new InputError(`${colDesc()} is '${tok}', expected a real number`, at(li, a));
            }
            (dst as Float64Array)[k] = v;
            break;
          }
          case "I": {
            const v = INT_RE.test(tok) ? Number(tok) : NaN;
            if (!(v >= -2147483648 && v <= 2147483647)) {
              throw new InputError(`${colDesc()} is '${tok}', expected a 32-bit integer`, at(li, a));
            }
            (dst as Int32Array)[k] = v;
            break;
          }
          case "S":
            (dst as string[])[k] = tok;
            break;
          case "L": {
            const v = tok === "T" || tok === "True" ? true : tok === "F" || tok === "False" ? false : undefined;
            if (v === undefined) {
              throw new InputError(`${colDesc()} is '${tok}', expected a logical (T or F)`, at(li, a));
            }
            (dst as boolean[])[k] = v;
            break;
          }
        }
      }
    }
    // Positions must be finite.
    const P = store.get(pos) as Float64Array;
    for (let c = 0; c < 3; c++) {
      if (!Number.isFinite(P[3 * a + c])) {
        throw new InputError(
          `non-finite coordinate '${toks[pos.start + c]}'; positions must be finite numbers (A)`,
          at(li, a),
        );
      }
    }
  }

  // Symbols.
  const symbols: string[] = new Array(n);
  if (species) {
    const S = store.get(species) as string[];
    for (let a = 0; a < n; a++) symbols[a] = capitalize(S[a]);
  } else {
    const Z = store.get(zcol!) as Int32Array;
    for (let a = 0; a < n; a++) {
      const s = symbolOf(Z[a]);
      if (s === undefined) throw new InputError(`Z = ${Z[a]}, expected an atomic number 1..118`, at(body + a, a));
      symbols[a] = s;
    }
  }
  // Masses (also validates the symbols).
  const masses = new Float64Array(n);
  const M = massCol ? (store.get(massCol) as Float64Array) : null;
  for (let a = 0; a < n; a++) {
    let std: number;
    try {
      std = massOf(symbols[a], a);
    } catch (e) {
      if (e instanceof InputError) {
        throw new InputError(
          `unknown chemical symbol '${symbols[a]}' (expected an element symbol such as Cu)`,
          at(body + a, a),
        );
      }
      throw e;
    }
    if (M) {
      if (!(Number.isFinite(M[a]) && M[a] > 0)) {
        throw new InputError(`mass ${fmtNum(M[a])}, expected a positive finite number (amu)`, at(body + a, a));
      }
      masses[a] = M[a];
    } else {
      masses[a] = std;
    }
  }

  // Velocities (A/fs).
  let velocities: Float64Array | null = null;
  if (veloCol || momCol) {
    const V = store.get((veloCol ?? momCol)!) as Float64Array;
    velocities = new Float64Array(3 * n);
    for (let a = 0; a < n; a++) {
      for (let c = 0; c < 3; c++) {
        const v = veloCol ? V[3 * a + c] : (V[3 * a + c] / masses[a]) * ASE_FS;
        if (!Number.isFinite(v)) {
          throw new InputError(
            `non-finite ${veloCol ? "velocity" : "momentum"} component '${fmtNum(V[3 * a + c])}'`,
            at(body + a, a),
          );
        }
        velocities[3 * a + c] = v;
      }
    }
  }

  const arrays: Record<string, ArrayColumn> = {};
  for (const p of props) {
    if (special.has(p)) continue;
    arrays[p.name] = { kind: p.type, ncols: p.ncols, data: store.get(p)! } as ArrayColumn;
  }

  const atoms = new Atoms({
    symbols,
    positions: store.get(pos) as Float64Array,
    cell,
    pbc,
    masses,
    velocities,
    info,
    arrays,
  });
  return { atoms, next: body + n };
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1).toLowerCase();
}

function isNumberArray(v: InfoValue, len: number): boolean {
  return Array.isArray(v) && v.length === len && v.every((x) => typeof x === "number");
}
