/**
 * Extended XYZ syntax shared by the reader (`extxyz-read.ts`) and the writer (`extxyz-write.ts`):
 * numbers as Python's `float()` reads them and as they round-trip, the comment line's `key=value`
 * grammar of ASE's `key_val_str_to_dict`, `Properties=` column specs, and ASE's time unit.
 * Kept apart so that both directions agree on one definition of each rule.
 */
import type { InfoValue } from "../atoms.js";
import { InputError, type InputLocation } from "../errors.js";

/**
 * ASE's `units.fs`: one femtosecond in ASE time units (A * sqrt(amu/eV)), computed exactly as
 * `ase/units.py` does with its default CODATA 2014 constants: 1e-15 * (1e10 * sqrt(e / amu)) ~ 0.0982269.
 * One ASE time unit is 1 / ASE_FS ~ 10.18051 fs. A velocity of v A/fs is v / ASE_FS A per ASE time unit.
 */
export const ASE_FS = 1e-15 * (1e10 * Math.sqrt(1.6021766208e-19 / 1.66053904e-27));

// ---------------------------------------------------------------------------------------------
// Numbers

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** An integer token: optional sign and digits (the range is checked by the caller). */
export const INT_RE = /^[+-]?\d+$/;
const SPECIAL_FLOAT_RE = /^([+-]?)(nan|inf|infinity)$/i;

/** Parse a number the way Python's `float()` does (including nan/inf/infinity); `undefined` if not a number. */
export function parseFloatPy(tok: string): number | undefined {
  if (FLOAT_RE.test(tok)) return Number(tok);
  const m = SPECIAL_FLOAT_RE.exec(tok);
  if (m) {
    if (m[2].toLowerCase() === "nan") return NaN;
    return m[1] === "-" ? -Infinity : Infinity;
  }
  return undefined;
}

/** Shortest decimal string that reads back to the same double (also in Python); keeps the sign of -0. */
export function fmtNum(x: number): string {
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

/** One `key=value` pair of a comment line, before conversion. */
export interface RawPair {
  key: string;
  /** `null` for a bare key (meaning true). */
  value: string | null;
}

/**
 * Split a comment line into key/value pairs, character by character as ASE does. An unterminated quote
 * runs to the end of the line (as in ASE). Unlike ASE, an empty quoted value (`key=""`) is kept as an
 * empty value instead of swallowing the next pair.
 */
export function splitHeader(line: string): RawPair[] {
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
export function convertValue(key: string, raw: string | null): InfoValue {
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

/** Column types of `Properties=`: real, integer, string, logical. */
export type ColType = "R" | "I" | "S" | "L";

/** One column group of `Properties=`: name, type, column count and first column in a row. */
export interface Property {
  name: string;
  type: ColType;
  ncols: number;
  /** First column index in a row. */
  start: number;
}

/**
 * Parse a `Properties=` spec (`name:type:ncols` triplets) into column groups with their offsets.
 * @throws InputError at `loc` for a malformed spec, an unknown type, a bad count or a repeated name
 */
export function parseProperties(spec: string, loc: InputLocation): Property[] {
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

/** The `Properties=` spec of column groups (inverse of {@link parseProperties}). */
export function propString(props: { name: string; type: ColType; ncols: number }[]): string {
  return props.map((p) => `${p.name}:${p.type}:${p.ncols}`).join(":");
}

