/**
 * Writing `Atoms` as extended XYZ text that ASE reads (see `extxyz.ts` for the format and its
 * units): which columns a frame gets, how header values are quoted so they read back as the same
 * value, and the frame text. The syntax it shares with the reader is in `extxyz-syntax.ts`.
 */
import type { Atoms, InfoValue } from "../atoms.js";
import { massOf } from "../elements.js";
import { InputError } from "../errors.js";
import { ASE_FS, convertValue, fmtNum, propString, type ColType } from "./extxyz-syntax.js";

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
