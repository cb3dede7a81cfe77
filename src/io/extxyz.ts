/**
 * Extended XYZ (ASE / QUIP / OVITO flavour), read and written the way `ase.io.extxyz` does.
 *
 * Units: lengths and positions in A, cell (`Lattice`) rows a, b, c in A, masses in amu,
 * velocities in A/fs (column `velo`). ASE's `momenta` column (amu * A / ASE time unit) is converted
 * to A/fs on reading, with ASE's own unit definitions (CODATA 2014, see {@link ASE_FS}).
 * Everything else (forces in eV/A, energies in eV, stress in eV/A^3, ...) is carried through unchanged.
 *
 * Frame layout:
 * ```
 * N
 * Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3:forces:R:3 energy=-3.5 pbc="T T T"
 * Cu 0 0 0 0.1 0.2 0.3
 * ...
 * ```
 * Header rules follow ASE's `key_val_str_to_dict`: whitespace separates `key=value` pairs; values may be
 * quoted with "...", '...', {...} or [...]; a backslash escapes the next character; a key without a value
 * means `true`; values that are all numbers become a number (or number[] when there are several, split on
 * whitespace or commas); values that are all of T/F/true/false/True/False/TRUE/FALSE become boolean(s);
 * values starting with `_JSON ` are JSON; anything else is a string. The `uid` key is always a string.
 */
import { Atoms, type ArrayColumn, type InfoValue } from "../atoms.js";
import { massOf, symbolOf } from "../elements.js";
import { InputError, type InputLocation } from "../errors.js";

/**
 * ASE's `units.fs`: one femtosecond in ASE time units (A * sqrt(amu/eV)), computed exactly as
 * `ase/units.py` does with its default CODATA 2014 constants: 1e-15 * (1e10 * sqrt(e / amu)) ~ 0.0982269.
 * One ASE time unit is 1 / ASE_FS ~ 10.18051 fs. A velocity of v A/fs is v / ASE_FS A per ASE time unit.
 */
export const ASE_FS = 1e-15 * (1e10 * Math.sqrt(1.6021766208e-19 / 1.66053904e-27));

/** Options for {@link formatExtxyz}. */
export interface FormatExtxyzOptions {
  /**
   * Per-atom columns to write after `species` and `pos`, in this order. Names may be keys of
   * `atoms.arrays`, `velo` (velocities, A/fs), `momenta` (velocities as ASE momenta, amu*A/ASE time)
   * or `masses` (amu). `species`/`pos` may be listed and are ignored (they always come first).
   * Default: the velocity column (if `velocities` is set), `masses` (only if some mass differs from the
   * standard atomic weight), then every `arrays` column in insertion order.
   */
  columns?: string[];
  /**
   * How velocities are written by default: `momenta` (the default: ASE's convention, so
   * `ase.io.read(...).get_velocities()` finds them; the unit conversion makes our own round trip
   * accurate to ~1 ulp rather than exact; masses are written too when they are not ASE's defaults) or
   * `velo` (A/fs, exact round trip, QUIP convention, which ASE keeps as a plain array).
   */
  velocityColumn?: "velo" | "momenta";
}

// ---------------------------------------------------------------------------------------------
// Numbers

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;
const SPECIAL_FLOAT_RE = /^([+-]?)(nan|inf|infinity)$/i;

/** Parse a number the way Python's `float()` does (including nan/inf/infinity); `undefined` if not a number. */
function parseFloatPy(tok: string): number | undefined {
  if (FLOAT_RE.test(tok)) return Number(tok);
  const m = SPECIAL_FLOAT_RE.exec(tok);
  if (m) {
    if (m[2].toLowerCase() === "nan") return NaN;
    return m[1] === "-" ? -Infinity : Infinity;
  }
  return undefined;
}

/** Shortest decimal string that reads back to the same double (also in Python); keeps the sign of -0. */
function fmtNum(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

// ---------------------------------------------------------------------------------------------
// Header (comment line) parsing

const OPENERS: Record<string, string> = { '"': '"', "'": "'", "{": "}", "[": "]" };
const BOOLS: ReadonlyMap<string, boolean> = new Map([
  ["T", true],
  ["F", false],
  ["true", true],
  ["false", false],
  ["True", true],
  ["False", false],
  ["TRUE", true],
  ["FALSE", false],
]);

interface RawPair {
  key: string;
  /** `null` for a bare key (meaning true). */
  value: string | null;
}

/**
 * Split a comment line into key/value pairs, character by character as ASE does. An unterminated quote
 * runs to the end of the line (as in ASE). Unlike ASE, an empty quoted value (`key=""`) is kept as an
 * empty value instead of swallowing the next pair.
 */
function splitHeader(line: string): RawPair[] {
  // Each pair is a list of parts: [key, value, (more value parts joined by "=")].
  const pairs: { parts: string[]; touched: boolean[] }[] = [{ parts: [""], touched: [false] }];
  let closer: string | null = null;
  let escaped = false;
  const last = () => pairs[pairs.length - 1];
  const append = (ch: string) => {
    const p = last();
    p.parts[p.parts.length - 1] += ch;
    p.touched[p.touched.length - 1] = true;
  };
  for (const ch of line.trim()) {
    if (escaped) {
      append(ch);
      escaped = false;
    } else if (ch === "\\") {
      escaped = true;
    } else if (closer !== null) {
      if (ch === closer) closer = null;
      else append(ch);
    } else if (ch in OPENERS) {
      closer = OPENERS[ch];
      const p = last();
      p.touched[p.touched.length - 1] = true;
    } else if (/\s/.test(ch)) {
      const p = last();
      if (!p.touched[p.touched.length - 1]) continue;
      pairs.push({ parts: [""], touched: [false] });
    } else if (ch === "=") {
      let p = last();
      if (p.parts.length === 1 && !p.touched[0] && pairs.length > 1) {
        // "key = value": the "=" belongs to the previous key.
        pairs.pop();
        p = last();
      }
      p.parts.push("");
      p.touched.push(false);
    } else {
      append(ch);
    }
  }
  const out: RawPair[] = [];
  for (const p of pairs) {
    if (p.parts.length === 1) {
      if (!p.touched[0]) continue;
      out.push({ key: p.parts[0], value: null });
    } else {
      out.push({ key: p.parts[0], value: p.parts.slice(1).join("=") });
    }
  }
  return out;
}

/** `undefined` unless a JSON value fits `InfoValue`. */
function infoFromJson(v: unknown): InfoValue | undefined {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "number")) return v as number[];
    if (v.every((x) => typeof x === "boolean")) return v as boolean[];
    if (v.every((x) => typeof x === "string")) return v as string[];
  }
  return undefined;
}

/** Convert a header value to a number, number[], boolean, boolean[], JSON value or string, as ASE does. */
function convertValue(key: string, raw: string | null): InfoValue {
  if (raw === null) return true;
  if (key.toLowerCase() === "uid") return raw;
  const toks = raw.match(/[^\s,]+/g) ?? [];
  if (toks.length > 0) {
    const nums = toks.map(parseFloatPy);
    if (nums.every((x) => x !== undefined)) return nums.length === 1 ? nums[0]! : (nums as number[]);
    const bools = toks.map((t) => BOOLS.get(t));
    if (bools.every((x) => x !== undefined)) return bools.length === 1 ? bools[0]! : (bools as boolean[]);
  }
  if (raw.startsWith("_JSON ")) {
    try {
      const v = infoFromJson(JSON.parse(raw.slice(6)));
      if (v !== undefined) return v;
    } catch {
      // not JSON after all: keep the string
    }
  }
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Properties

type ColType = "R" | "I" | "S" | "L";

interface Property {
  name: string;
  type: ColType;
  ncols: number;
  /** First column index in a row. */
  start: number;
}

function parseProperties(spec: string, loc: InputLocation): Property[] {
  const fields = spec.split(":");
  const expect = "Properties must be name:type:ncols triplets, e.g. species:S:1:pos:R:3:forces:R:3";
  if (fields.length % 3 !== 0 || fields.length === 0) {
    throw new InputError(`cannot parse Properties=${spec}: ${fields.length} fields; ${expect}`, loc);
  }
  const props: Property[] = [];
  const seen = new Set<string>();
  let start = 0;
  for (let i = 0; i < fields.length; i += 3) {
    const [name, type, nc] = [fields[i], fields[i + 1], fields[i + 2]];
    if (name === "") throw new InputError(`empty property name in Properties=${spec}; ${expect}`, loc);
    if (type !== "R" && type !== "I" && type !== "S" && type !== "L") {
      throw new InputError(`property '${name}' has type '${type}', expected one of R, I, S, L`, loc);
    }
    if (!/^\d+$/.test(nc) || Number(nc) < 1) {
      throw new InputError(`property '${name}' has ${nc || "no"} columns, expected a positive integer`, loc);
    }
    if (seen.has(name)) throw new InputError(`property '${name}' appears twice in Properties=${spec}`, loc);
    seen.add(name);
    const ncols = Number(nc);
    props.push({ name, type, ncols, start });
    start += ncols;
  }
  return props;
}

function propString(props: { name: string; type: ColType; ncols: number }[]): string {
  return props.map((p) => `${p.name}:${p.type}:${p.ncols}`).join(":");
}

// ---------------------------------------------------------------------------------------------
// Reading

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

// ---------------------------------------------------------------------------------------------
// Writing

/** Quote and escape a header key or value when needed, as ASE's `escape` does (plus backslashes). */
function escapeHeader(s: string): string {
  const esc = s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return s === "" || /[\s"'{}[\]=,]/.test(s) ? `"${esc}"` : esc;
}

function formatInfoValue(key: string, v: InfoValue): string {
  const json = (x: unknown) => escapeHeader(`_JSON ${JSON.stringify(x)}`);
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "number") return fmtNum(v);
  if (typeof v === "string") {
    // Strings that would read back as something else ("T", "1.5", "", "_JSON ...") or contain line
    // breaks go through JSON,
    // which ASE also reads back as the same string.
    const back = convertValue(key, v);
    return back === v && v !== "" && !v.startsWith("_JSON ") && !/[\r\n]/.test(v) ? escapeHeader(v) : json(v);
  }
  if (v.length >= 2 && v.every((x) => typeof x === "number")) return `"${(v as number[]).map(fmtNum).join(" ")}"`;
  if (v.length >= 2 && v.every((x) => typeof x === "boolean")) return `"${v.map((x) => (x ? "T" : "F")).join(" ")}"`;
  return json(v);
}

function standardMass(symbol: string): number {
  try {
    return massOf(symbol);
  } catch {
    return NaN;
  }
}

const NAME_RE = /^[^\s:"'{}[\]=\\]+$/;

interface OutColumn {
  name: string;
  type: ColType;
  ncols: number;
  /** Appends the text of atom a's columns to `out`. */
  put: (a: number, out: string[]) => void;
}

function frameColumns(atoms: Atoms, frame: number, opts: FormatExtxyzOptions): OutColumn[] {
  const n = atoms.length;
  const loc = { frame };
  const velName = opts.velocityColumn ?? "momenta";
  let names: string[];
  if (opts.columns) {
    names = opts.columns.filter((c) => c !== "species" && c !== "pos");
  } else {
    names = [];
    if (atoms.velocities) names.push(velName);
    let nonStd = false;
    for (let a = 0; a < n && !nonStd; a++) nonStd = atoms.masses[a] !== standardMass(atoms.symbols[a]);
    if (nonStd) names.push("masses");
    names.push(...Object.keys(atoms.arrays));
  }
  const cols: OutColumn[] = [
    {
      name: "species",
      type: "S",
      ncols: 1,
      put: (a, out) => {
        out.push(atoms.symbols[a]);
      },
    },
    {
      name: "pos",
      type: "R",
      ncols: 3,
      put: (a, out) => {
        const p = atoms.positions;
        out.push(fmtNum(p[3 * a]), fmtNum(p[3 * a + 1]), fmtNum(p[3 * a + 2]));
      },
    },
  ];
  const used = new Set(["species", "pos"]);
  for (const name of names) {
    if (used.has(name)) throw new InputError(`column '${name}' would be written twice`, loc);
    used.add(name);
    if (!NAME_RE.test(name)) {
      throw new InputError(`column name '${name}' cannot be written (no whitespace, ':', quotes, brackets or '=')`, loc);
    }
    if ((name === "velo" || name === "momenta") && !(name in atoms.arrays)) {
      const v = atoms.velocities;
      if (!v) throw new InputError(`column '${name}' requested but the atoms have no velocities`, loc);
      const mom = name === "momenta";
      cols.push({
        name,
        type: "R",
        ncols: 3,
        put: (a, out) => {
          const f = mom ? atoms.masses[a] / ASE_FS : 1;
          out.push(fmtNum(v[3 * a] * f), fmtNum(v[3 * a + 1] * f), fmtNum(v[3 * a + 2] * f));
        },
      });
    } else if (name === "masses" && !(name in atoms.arrays)) {
      cols.push({ name, type: "R", ncols: 1, put: (a, out) => void out.push(fmtNum(atoms.masses[a])) });
    } else {
      const col = atoms.arrays[name];
      if (!col) throw new InputError(`column '${name}' is not in atoms.arrays (nor velo, momenta or masses)`, loc);
      if (col.data.length !== n * col.ncols) {
        throw new InputError(`arrays.${name} has ${col.data.length} values, expected ${n} atoms x ${col.ncols}`, loc);
      }
      const nc = col.ncols;
      let put: OutColumn["put"];
      switch (col.kind) {
        case "R":
        case "I": {
          const d = col.data;
          put = (a, out) => {
            for (let c = 0; c < nc; c++) out.push(fmtNum(d[a * nc + c]));
          };
          break;
        }
        case "L": {
          const d = col.data;
          put = (a, out) => {
            for (let c = 0; c < nc; c++) out.push(d[a * nc + c] ? "T" : "F");
          };
          break;
        }
        case "S": {
          const d = col.data;
          d.forEach((s, k) => {
            if (typeof s !== "string" || s === "" || /\s/.test(s)) {
              throw new InputError(
                `arrays.${name} value ${JSON.stringify(s)} (atom ${Math.floor(k / nc)}) cannot be written: strings must be non-empty without whitespace`,
                loc,
              );
            }
          });
          put = (a, out) => {
            for (let c = 0; c < nc; c++) out.push(d[a * nc + c]);
          };
          break;
        }
      }
      cols.push({ name, type: col.kind, ncols: nc, put });
    }
  }
  return cols;
}

function formatFrame(atoms: Atoms, frame: number, opts: FormatExtxyzOptions): string {
  const n = atoms.length;
  const cols = frameColumns(atoms, frame, opts);
  const head: string[] = [];
  if (atoms.cell.some((x) => x !== 0) || atoms.pbc.some((x) => x)) {
    head.push(`Lattice="${Array.from(atoms.cell, fmtNum).join(" ")}"`);
  }
  head.push(`Properties=${propString(cols)}`);
  for (const [key, value] of Object.entries(atoms.info)) {
    if (key === "Lattice" || key === "Properties" || key === "pbc") continue;
    if (key === "" || /[\r\n]/.test(key)) {
      throw new InputError(`info key ${JSON.stringify(key)} cannot be written (empty or containing a line break)`, { frame });
    }
    head.push(`${escapeHeader(key)}=${formatInfoValue(key, value)}`);
  }
  head.push(`pbc="${atoms.pbc.map((x) => (x ? "T" : "F")).join(" ")}"`);
  const out: string[] = [String(n), head.join(" ")];
  const row: string[] = [];
  for (let a = 0; a < n; a++) {
    row.length = 0;
    for (const c of cols) c.put(a, row);
    out.push(row.join(" "));
  }
  return out.join("\n") + "\n";
}

/**
 * Format one or more frames as extended XYZ text that `ase.io.read(..., format="extxyz")` reads.
 *
 * Header: `Lattice` (cell rows in A; written when the cell is nonzero or any direction is periodic),
 * `Properties`, the `info` entries in insertion order (numbers, booleans as T/F, arrays quoted and space
 * separated, strings quoted when needed; strings that would otherwise read back as numbers or booleans,
 * string arrays and one-element arrays as ASE's `_JSON` form), then `pbc="T T T"`.
 * Columns: `species`, `pos` (A), then `momenta` (ASE's, amu A per ASE time unit; or `velo` in A/fs,
 * `opts.velocityColumn`) when there are velocities, `masses` (amu) when some
 * mass is not the standard atomic weight, then every `arrays` column (or `opts.columns`).
 * Numbers are written with the shortest representation that round-trips the double exactly
 * (JavaScript `String(x)`, `-0` kept). Frames are concatenated.
 *
 * @throws InputError when something cannot be represented (unknown column, string with whitespace, ...)
 */
export function formatExtxyz(frames: Atoms | Atoms[], opts: FormatExtxyzOptions = {}): string {
  const list = Array.isArray(frames) ? frames : [frames];
  return list.map((f, k) => formatFrame(f, k, opts)).join("");
}
