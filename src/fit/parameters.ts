/**
 * Free parameters of an ECT-EAM model file, addressed by their JSON path. The fitter works on a
 * vector of *internal* values: log(p) for parameters that must stay positive (amplitudes, decay
 * lengths, exponents), p itself otherwise, so that no step can leave the physical domain.
 * Atomic data (state energies from IP/EA, electron counts) and densities are never free unless the
 * caller lists them explicitly.
 */
import { InputError } from "../errors.js";

/** One free parameter. */
export interface FitParameter {
  /** JSON path in the model file, e.g. ["pairs", "Li-H", "A"]. */
  path: (string | number)[];
  /** Dotted label for reports, e.g. "pairs.Li-H.A". */
  label: string;
  /** "log": internal value is ln(p), p > 0. "linear": internal value is p. */
  transform: "log" | "linear";
  /** Units for reports. */
  unit: string;
}

type Json = Record<string, unknown>;

/** Dotted label of a path ("elements.Li.states[1].embedding.a"). */
export function labelOf(path: readonly (string | number)[]): string {
  return path.map((p, k) => (typeof p === "number" ? `[${p}]` : k === 0 ? p : `.${p}`)).join("");
}

/** Reads the number at `path` of a model JSON object. */
export function getAt(json: unknown, path: readonly (string | number)[]): number {
  let o: unknown = json;
  for (const key of path) {
    if (o === null || typeof o !== "object") throw new InputError(`model has no field ${labelOf(path)}`);
    o = (o as Json)[key as string];
  }
  if (typeof o !== "number") throw new InputError(`model field ${labelOf(path)} is ${JSON.stringify(o)}, expected a number`);
  return o;
}

/** Writes the number at `path` (in place). */
export function setAt(json: unknown, path: readonly (string | number)[], value: number): void {
  let o = json as Json;
  for (const key of path.slice(0, -1)) o = o[key as string] as Json;
  o[path[path.length - 1] as string] = value;
}

/** Internal values of the parameters in `json`. */
export function internalValues(json: unknown, params: readonly FitParameter[]): Float64Array {
  return Float64Array.from(params, (p) => {
    const v = getAt(json, p.path);
    if (p.transform === "log") {
      if (!(v > 0)) throw new InputError(`model field ${p.label} is ${v}; a fitted ${p.label.split(".").pop()} must be > 0`);
      return Math.log(v);
    }
    return v;
  });
}

/** Physical value of parameter k from its internal value. */
export function physical(p: FitParameter, internal: number): number {
  return p.transform === "log" ? Math.exp(internal) : internal;
}

/** A deep copy of `json` with the parameters set from internal values. */
export function withValues(json: unknown, params: readonly FitParameter[], x: ArrayLike<number>): Json {
  const copy = structuredClone(json) as Json;
  params.forEach((p, k) => setAt(copy, p.path, physical(p, x[k])));
  return copy;
}

const POSITIVE = new Set(["scale", "A", "rho", "D", "alpha", "h0", "kappa", "rho0", "electronicTemperature", "polarizability", "dampingRadius", "exponent", "A2", "rho2", "strength", "radius"]);
const UNITS: Record<string, string> = { scale: "", A2: "eV", rho2: "A", strength: "", radius: "A", polarizability: "A^3", dampingRadius: "A", exponent: "1/A", A: "eV", rho: "A", D: "eV", alpha: "1/A", r0: "A", h0: "eV", kappa: "1/A", a: "eV", rho0: "e/A^3", electronicTemperature: "eV" };

function param(path: (string | number)[]): FitParameter {
  const name = String(path[path.length - 1]);
  // A spline knot's value (embedding.points[k][1]) is an energy that may have either sign.
  if (path.length >= 3 && path[path.length - 3] === "points") return { path, label: labelOf(path), transform: "linear", unit: "eV" };
  // A pair-specific density factor (elements.A.densityScale.B) is positive and has no unit.
  if (path.length >= 2 && path[path.length - 2] === "densityScale") return { path, label: labelOf(path), transform: "log", unit: "" };
  return { path, label: labelOf(path), transform: POSITIVE.has(name) ? "log" : "linear", unit: UNITS[name] ?? "" };
}

/** Which groups of parameters `defaultFreeParameters` frees. */
export interface FreeParameterOptions {
  /** Pair terms phi_AB of the element pairs in the data (default true). */
  pairs?: boolean;
  /** Resonance couplings h0, kappa of the element pairs in the data that the model lists (default true). */
  resonance?: boolean;
  /** Embedding parameters of every state of the elements in the data (default true). */
  embedding?: boolean;
  /** The electronic temperature kT (default false). */
  temperature?: boolean;
}

/**
 * The default free parameters for fitting `json` to data containing `elements` and `pairs`
 * ("A-B" keys as the model writes them): pair function parameters, resonance h0 and kappa, and
 * embedding parameters. State energies, electron counts and densities stay fixed.
 */
export function defaultFreeParameters(json: unknown, elements: readonly string[], pairs: readonly string[], opts: FreeParameterOptions = {}): FitParameter[] {
  const m = json as Json;
  const out: FitParameter[] = [];
  const pairKeys = (table: unknown) => Object.keys((table as Json) ?? {}).filter((key) => pairs.some((p) => samePair(p, key)));
  if (opts.pairs !== false) {
    for (const key of pairKeys(m.pairs)) {
      const spec = (m.pairs as Json)[key] as Json;
      for (const name of Object.keys(spec)) if (typeof spec[name] === "number") out.push(param(["pairs", key, name]));
    }
  }
  if (opts.resonance !== false) {
    // A coupling switched off (h0 = 0) stays off: at h0 = 0 every dimer state is pure and dOmega/dh0
    // vanishes, so the fit could not turn it on anyway; give it a start value > 0 to fit it.
    for (const key of pairKeys(m.resonance)) {
      const entry = (m.resonance as Json)[key] as Json;
      // An Olson-Smith-Bauer coupling has no free parameter unless its scale is given.
      if (entry.form === "olson-smith-bauer") {
        if (typeof entry.scale === "number" && entry.scale > 0) out.push(param(["resonance", key, "scale"]));
        continue;
      }
      if (!((entry.h0 as number) > 0)) continue;
      for (const name of ["h0", "kappa"]) out.push(param(["resonance", key, name]));
    }
  }
  if (opts.embedding !== false) {
    for (const el of elements) {
      const states = ((m.elements as Json)[el] as Json).states as Json[];
      states.forEach((s, k) => {
        const emb = s.embedding as Json;
        for (const name of ["a", "rho0"]) if (typeof emb?.[name] === "number") out.push(param(["elements", el, "states", k, "embedding", name]));
      });
    }
  }
  if (opts.temperature) out.push(param(["electronicTemperature"]));
  return out;
}

/** Parses explicit parameter paths ("pairs.Li-H.A", "elements.Li.states[1].embedding.a"). */
export function parseParameterPaths(json: unknown, labels: readonly string[]): FitParameter[] {
  return labels.map((label) => {
    const path: (string | number)[] = [];
    for (const part of label.split(".")) {
      const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
      if (!m) throw new InputError(`parameter '${label}': cannot read '${part}' (expected name or name[index])`);
      path.push(m[1]);
      for (const idx of m[2].matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
    }
    getAt(json, path); // throws with the field name when it does not exist
    return param(path);
  });
}

/** True when "A-B" and "B-A" name the same pair. */
export function samePair(a: string, b: string): boolean {
  const [a1, a2] = a.split("-");
  const [b1, b2] = b.split("-");
  return (a1 === b1 && a2 === b2) || (a1 === b2 && a2 === b1);
}
