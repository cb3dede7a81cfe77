/**
 * ECT-EAM model files (JSON): types, validation and physical-constraint warnings.
 *
 * A model file describes, per element, a small library of isolated-atom states (cation, neutral,
 * anion, ...) with their energies, valence densities (sums of Slater / Gaussian s-functions) and
 * embedding functions, plus pair and resonance functions between elements, the cutoffs and the
 * electrostatics. The physics is in shared/docs/ect-eam-model.md; the file format is documented field
 * by field in `schema.json` next to this file (JSON Schema 2020-12, for editors). Validation itself is
 * this hand-written code: every error is a `ModelError` whose `field` is the path of the bad value,
 * e.g. `elements.Li.states[2].density[0].exponent: expected a number > 0, got -1 (in model.json)`.
 *
 * Browser-safe (no Node imports); `model-file.ts` adds the file reader.
 */
import { InputError, ModelError } from "../errors.js";
import { atomicNumber, massOf } from "../elements.js";
import { COULOMB_K, coulombStatePair } from "./coulomb.js";
import { rbfDensity, rbfMeanRadius } from "./forms.js";

// ------------------------------------------------------------------------------------------------
// Types
// ------------------------------------------------------------------------------------------------

/** Radial basis function families of the state densities. */
export type RbfType = "slater" | "gaussian";

/**
 * One term of a state density: `electrons` times a normalized s-function,
 * Slater (zeta^3/pi) exp(-2 zeta r) (exponent = zeta, 1/A) or Gaussian (alpha/pi)^(3/2) exp(-alpha r^2)
 * (exponent = alpha, 1/A^2).
 */
export interface DensityTerm {
  type: RbfType;
  exponent: number;
  electrons: number;
}

/** Embedding function F_AM(rhobar) (eV); every form has F(0) = 0. */
export type EmbeddingSpec =
  | { form: "zero" }
  | { form: "baskes"; a: number; rho0: number }
  | { form: "sqrt"; a: number }
  | { form: "spline"; points: [number, number][] };

/** Pair function phi_AB(r) (eV, before the taper). */
export type PairSpec =
  | { form: "zero" }
  | { form: "born-mayer"; A: number; rho: number }
  | { form: "morse"; D: number; alpha: number; r0: number };

/** Resonance coupling h_AB(r) = -h0 exp(-kappa r) (eV, before the taper). */
export interface ResonanceSpec {
  h0: number;
  kappa: number;
}

/**
 * How charge moves between atoms (docs/ect-eam.md):
 * - "bond": through bonds only. Each pair of atoms within the transfer cutoff of its resonance entry
 *   has two channels (i -> j, j -> i) with their own ionic weights; the atoms' state weights follow
 *   from them. Separated fragments keep their charge; no global chemical potential; no entropy.
 * - "ensemble": the first form of the specification: per-atom weights at one chemical potential and an
 *   electronic temperature, mean-field resonance (kept for the starter model and comparisons).
 */
export type TransferKind = "ensemble" | "bond";

/** One isolated-atom state M of an element A. */
export interface EctState {
  name: string;
  /** Valence electron count N_AM (integer >= 0). */
  electrons: number;
  /** State charge Q_AM = Z_A - N_AM (e). */
  charge: number;
  /** E_AM in eV relative to the neutral ground state (IP for A+, 0 for A0, -EA for A-). */
  energy: number;
  /**
   * Energy to remove one electron from this state (eV), when given in the file (used only for the
   * asymptotic-decay warning; otherwise taken from the library's N-1 state).
   */
  ionizationEnergy?: number;
  density: DensityTerm[];
  embedding: EmbeddingSpec;
  /**
   * "free-ion" (default): the density's tail should decay like the isolated state's,
   * exp(-2 sqrt(2 I) r), and the loader warns when it does not. "compressed": the tail was made more
   * compact on purpose (an anion in condensed phases; see docs/ect-eam.md), no warning.
   */
  asymptoticDecay?: "free-ion" | "compressed";
  /** Dipole polarizability of the state (A^3); used when the model has `polarization`. Default 0. */
  polarizability: number;
  comment?: string;
}

export interface EctElement {
  symbol: string;
  /** Valence core charge Z_A (e) = electrons of the neutral state. */
  Z: number;
  /** amu. */
  mass: number;
  states: EctState[];
  /** Damping radius rho_A of the charge-dipole interaction (A), used with `polarization`. */
  dampingRadius?: number;
  comment?: string;
}

/** Induction (docs/ect-eam.md): the range of the damped field that polarizes the state ensembles. */
export interface EctPolarization {
  /** A; the field is tapered to 0 over cutoffs.taper ending here. */
  cutoff: number;
}

/** Cutoffs in A; each radial function goes smoothly to zero over `taper` ending at its cutoff. */
export interface EctCutoffs {
  density: number;
  pair: number;
  coulombShortRange: number;
  /** Cutoff of the resonance coupling h_AB (defaults to `pair`). */
  resonance: number;
  taper: number;
}

export type LongRangeKind = "direct" | "dsf" | "ewald";

export interface EctElectrostatics {
  longRange: LongRangeKind;
  /** Real-space cutoff of the long-range point-charge part for "dsf" and "ewald" (A). */
  cutoff: number;
  /** Damping parameter of the damped shifted force sum (1/A). */
  dsfAlpha: number;
  /** Relative accuracy target of the Ewald sum. */
  ewaldAccuracy: number;
}

/** An unordered element pair with its function; a <= b are indices into `EctModel.elements`. */
export interface EctPair {
  key: string;
  a: number;
  b: number;
  spec: PairSpec;
  comment?: string;
}

export interface EctResonance extends ResonanceSpec {
  key: string;
  a: number;
  b: number;
  /** Transfer cutoff of this pair (A), bond transfer only (default cutoffs.resonance). */
  cutoff?: number;
  /**
   * Bond transfer: the element that gives the electron when only one direction of transfer is
   * modelled (its ionic configuration A+ B-); both channels when absent.
   */
  donor?: string;
  comment?: string;
}

/** A validated ECT-EAM model (defaults filled in). */
export interface EctModel {
  /** Where the model came from (file name or a label), for messages. */
  source: string;
  name: string;
  description: string;
  /** k_B T_e in eV (ensemble transfer; 0 and unused with bond transfer). */
  electronicTemperature: number;
  /** How charge moves between atoms. */
  transfer: TransferKind;
  /** Induction by the damped field of the charges (bond transfer only), or null. */
  polarization: EctPolarization | null;
  cutoffs: EctCutoffs;
  electrostatics: EctElectrostatics;
  /** Total charge of the system (e). */
  totalCharge: number;
  /** Elements in file order. */
  elements: EctElement[];
  /** Pairs given in the file; pairs not listed have phi = 0. */
  pairs: EctPair[];
  /** Resonance couplings given in the file; pairs not listed have h = 0. */
  resonance: EctResonance[];
  /** Physical constraints that the parameters violate (not errors), each prefixed by its field path. */
  warnings: string[];
}

// ------------------------------------------------------------------------------------------------
// Constants and limits
// ------------------------------------------------------------------------------------------------

/** Most states an element may have (the wasm kernels' per-atom weight vector is 4 wide). */
export const MAX_STATES = 4;
/** Hartree energy in eV (CODATA 2018), for the asymptotic-decay rule. */
export const HARTREE_EV = 27.211386;
/** Bohr radius in A (as in the model spec). */
export const BOHR_A = 0.529177;
/** Tolerance of sum(density[].electrons) == electrons. */
export const ELECTRON_SUM_TOLERANCE = 1e-12;
/** Relative deviation of the slowest Slater exponent from the asymptotic-decay rule that is reported. */
export const DECAY_RULE_TOLERANCE = 0.1;
/** Largest |u| (eV) of the Coulomb remainder inside the taper window that passes without a warning. */
export const COULOMB_REMAINDER_TOLERANCE = 1e-6;

/** Defaults of optional fields. */
export const ECT_DEFAULTS = {
  totalCharge: 0,
  electrostatics: { longRange: "direct" as LongRangeKind, cutoff: 12.0, dsfAlpha: 0.2, ewaldAccuracy: 1e-8 },
};

/**
 * Keys accepted in each object of a model file (anything else is an error, to catch typos). The JSON
 * schema lists the same keys (a test checks that they agree).
 */
export const MODEL_KEYS = {
  model: [
    "$schema",
    "name",
    "description",
    "electronicTemperature",
    "cutoffs",
    "electrostatics",
    "totalCharge",
    "transfer",
    "polarization",
    "elements",
    "pairs",
    "resonance",
  ],
  cutoffs: ["density", "pair", "coulombShortRange", "resonance", "taper"],
  electrostatics: ["longRange", "cutoff", "dsfAlpha", "ewaldAccuracy"],
  element: ["Z", "mass", "states", "dampingRadius", "comment"],
  state: ["name", "electrons", "energy", "ionizationEnergy", "density", "embedding", "asymptoticDecay", "polarizability", "comment"],
  polarization: ["cutoff"],
  densityTerm: ["type", "exponent", "electrons"],
  embedding: {
    zero: ["form"],
    baskes: ["form", "a", "rho0"],
    sqrt: ["form", "a"],
    spline: ["form", "points"],
  },
  pair: {
    zero: ["form", "comment"],
    "born-mayer": ["form", "A", "rho", "comment"],
    morse: ["form", "D", "alpha", "r0", "comment"],
  },
  resonance: ["h0", "kappa", "cutoff", "donor", "comment"],
} as const;

/**
 * Slater exponent zeta (1/A) whose density exp(-2 zeta r) has the asymptotic decay of a state with
 * ionization energy I (eV): zeta = sqrt(2 I / Hartree) / bohr.
 */
export function asymptoticSlaterExponent(ionizationEnergy: number): number {
  return Math.sqrt((2 * ionizationEnergy) / HARTREE_EV) / BOHR_A;
}

// ------------------------------------------------------------------------------------------------
// Validation helpers
// ------------------------------------------------------------------------------------------------

type Json = unknown;
type Obj = Record<string, Json>;

function show(v: Json): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    s = String(v);
  }
  if (s === undefined) s = String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

class Checker {
  constructor(readonly source: string) {}

  fail(path: string, message: string): never {
    throw new ModelError(`${message} (in ${this.source})`, path);
  }

  object(v: Json, path: string): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${show(v)}`);
    return v as Obj;
  }

  keys(o: Obj, path: string, allowed: readonly string[], required: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        this.fail(join(path, k), `unknown key '${k}' (allowed here: ${allowed.join(", ")})`);
      }
    }
    for (const k of required) {
      if (!(k in o) || o[k] === undefined) this.fail(join(path, k), "missing required field");
    }
  }

  array(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${show(v)}`);
    return v;
  }

  string(v: Json, path: string, nonEmpty = true): string {
    if (typeof v !== "string" || (nonEmpty && v.trim() === "")) {
      this.fail(path, `expected a${nonEmpty ? " non-empty" : ""} string, got ${show(v)}`);
    }
    return v;
  }

  number(v: Json, path: string): number {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(path, `expected a finite number, got ${show(v)}`);
    return v;
  }

  positive(v: Json, path: string): number {
    if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) {
      this.fail(path, `expected a number > 0, got ${show(v)}`);
    }
    return v;
  }

  integer(v: Json, path: string, lo: number, hi: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
      this.fail(path, `expected an integer in [${lo}, ${hi}], got ${show(v)}`);
    }
    return v;
  }

  oneOf<T extends string>(v: Json, path: string, options: readonly T[]): T {
    if (typeof v !== "string" || !options.includes(v as T)) {
      this.fail(path, `expected one of ${options.map((o) => `"${o}"`).join(", ")}, got ${show(v)}`);
    }
    return v as T;
  }
}

/** Path of a child field: `a.b`, or `a` at the top level. */
function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

// ------------------------------------------------------------------------------------------------
// Parser
// ------------------------------------------------------------------------------------------------

/**
 * Parse the JSON text of a model file (browser-safe counterpart of `readEctModelFile`).
 * @throws InputError when the text is not JSON (with the line), ModelError when the model is invalid
 */
export function parseEctModelText(text: string, source: string): EctModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(reason);
    const line = m ? text.slice(0, Number(m[1])).split("\n").length : undefined;
    throw new InputError(`not valid JSON: ${reason}`, { file: source, line });
  }
  return parseEctModel(json, source);
}

/**
 * Validate a parsed model file and fill in defaults.
 *
 * @param json   the value of `JSON.parse` of a model file
 * @param source file name or label, quoted in messages
 * @returns the model, with `warnings` listing violated physical constraints (asymptotic decay,
 *          anion/neutral/cation ordering of sizes, positivity, Coulomb remainder at the cutoff)
 * @throws ModelError naming the field path of the first invalid value
 */
export function parseEctModel(json: unknown, source: string): EctModel {
  const c = new Checker(source);
  const root = c.object(json, "");
  c.keys(root, "", MODEL_KEYS.model, ["name", "electronicTemperature", "cutoffs", "elements"]);
  if (root.$schema !== undefined) c.string(root.$schema, "$schema");
  const name = c.string(root.name, "name");
  const description = root.description === undefined ? "" : c.string(root.description, "description", false);
  const transfer = root.transfer === undefined ? "ensemble" : c.oneOf(root.transfer, "transfer", ["ensemble", "bond"] as const);
  let electronicTemperature: number;
  if (transfer === "bond") {
    electronicTemperature = c.number(root.electronicTemperature, "electronicTemperature");
    if (electronicTemperature !== 0) c.fail("electronicTemperature", `bond transfer has no electronic temperature: expected 0, got ${electronicTemperature}`);
  } else electronicTemperature = c.positive(root.electronicTemperature, "electronicTemperature");
  const cutoffs = parseCutoffs(c, root.cutoffs);
  const electrostatics = parseElectrostatics(c, root.electrostatics);
  const totalCharge = root.totalCharge === undefined ? ECT_DEFAULTS.totalCharge : c.number(root.totalCharge, "totalCharge");

  let polarization: EctPolarization | null = null;
  if (root.polarization !== undefined) {
    if (transfer !== "bond") c.fail("polarization", "induction is implemented with bond transfer only (\"transfer\": \"bond\")");
    const o = c.object(root.polarization, "polarization");
    c.keys(o, "polarization", MODEL_KEYS.polarization, ["cutoff"]);
    const cutoff = c.positive(o.cutoff, "polarization.cutoff");
    if (!(cutoff > cutoffs.taper)) c.fail("polarization.cutoff", `expected a cutoff > cutoffs.taper = ${cutoffs.taper}, got ${cutoff}`);
    polarization = { cutoff };
  }

  const elemsObj = c.object(root.elements, "elements");
  const symbols = Object.keys(elemsObj);
  if (symbols.length === 0) c.fail("elements", "expected at least one element");
  const elements = symbols.map((sym) => parseElement(c, sym, elemsObj[sym]));
  if (polarization) {
    for (const el of elements) {
      if (el.dampingRadius === undefined) c.fail(`elements.${el.symbol}.dampingRadius`, "missing required field (the model has polarization)");
    }
  }

  const pairs = parsePairTable(c, root.pairs, "pairs", symbols, (v, path, key, a, b): EctPair => {
    const o = c.object(v, path);
    const form = c.oneOf(o.form, join(path, "form"), ["zero", "born-mayer", "morse"] as const);
    c.keys(o, path, MODEL_KEYS.pair[form], MODEL_KEYS.pair[form].filter((k) => k !== "comment"));
    let spec: PairSpec;
    if (form === "zero") spec = { form };
    else if (form === "born-mayer") {
      spec = { form, A: c.number(o.A, join(path, "A")), rho: c.positive(o.rho, join(path, "rho")) };
    } else {
      spec = {
        form,
        D: c.number(o.D, join(path, "D")),
        alpha: c.positive(o.alpha, join(path, "alpha")),
        r0: c.number(o.r0, join(path, "r0")),
      };
    }
    const comment = o.comment === undefined ? undefined : c.string(o.comment, join(path, "comment"), false);
    return { key, a, b, spec, ...(comment !== undefined ? { comment } : {}) };
  });

  const resonance = parsePairTable(c, root.resonance, "resonance", symbols, (v, path, key, a, b): EctResonance => {
    const o = c.object(v, path);
    c.keys(o, path, MODEL_KEYS.resonance, ["h0", "kappa"]);
    const comment = o.comment === undefined ? undefined : c.string(o.comment, join(path, "comment"), false);
    let cutoff: number | undefined;
    if (o.cutoff !== undefined) {
      if (transfer !== "bond") c.fail(join(path, "cutoff"), "a per-pair cutoff is used by bond transfer only (set \"transfer\": \"bond\", or use cutoffs.resonance)");
      cutoff = c.positive(o.cutoff, join(path, "cutoff"));
      if (!(cutoff > cutoffs.taper)) c.fail(join(path, "cutoff"), `expected a cutoff > cutoffs.taper = ${cutoffs.taper}, got ${cutoff}`);
    }
    let donor: string | undefined;
    if (o.donor !== undefined) {
      if (transfer !== "bond") c.fail(join(path, "donor"), "a donor is used by bond transfer only");
      donor = c.oneOf(o.donor, join(path, "donor"), [symbols[a], symbols[b]]);
    }
    return {
      key,
      a,
      b,
      h0: c.number(o.h0, join(path, "h0")),
      kappa: c.positive(o.kappa, join(path, "kappa")),
      ...(cutoff !== undefined ? { cutoff } : {}),
      ...(donor !== undefined ? { donor } : {}),
      ...(comment !== undefined ? { comment } : {}),
    };
  });

  const model: EctModel = {
    source,
    name,
    description,
    electronicTemperature,
    transfer,
    polarization,
    cutoffs,
    electrostatics,
    totalCharge,
    elements,
    pairs,
    resonance,
    warnings: [],
  };
  model.warnings = physicalWarnings(model);
  return model;
}

function parseCutoffs(c: Checker, v: Json): EctCutoffs {
  const o = c.object(v, "cutoffs");
  c.keys(o, "cutoffs", MODEL_KEYS.cutoffs, ["density", "pair", "coulombShortRange", "taper"]);
  const taper = c.positive(o.taper, "cutoffs.taper");
  const cut = (key: string, value: Json) => {
    const path = `cutoffs.${key}`;
    const r = c.positive(value, path);
    if (!(r > taper)) c.fail(path, `expected a cutoff > cutoffs.taper = ${taper}, got ${r}`);
    return r;
  };
  const density = cut("density", o.density);
  const pair = cut("pair", o.pair);
  const coulombShortRange = cut("coulombShortRange", o.coulombShortRange);
  const resonance = o.resonance === undefined ? pair : cut("resonance", o.resonance);
  return { density, pair, coulombShortRange, resonance, taper };
}

function parseElectrostatics(c: Checker, v: Json): EctElectrostatics {
  const d = ECT_DEFAULTS.electrostatics;
  if (v === undefined) return { ...d };
  const o = c.object(v, "electrostatics");
  c.keys(o, "electrostatics", MODEL_KEYS.electrostatics, ["longRange"]);
  const longRange = c.oneOf(o.longRange, "electrostatics.longRange", ["direct", "dsf", "ewald"] as const);
  const cutoff = o.cutoff === undefined ? d.cutoff : c.positive(o.cutoff, "electrostatics.cutoff");
  const dsfAlpha = o.dsfAlpha === undefined ? d.dsfAlpha : c.positive(o.dsfAlpha, "electrostatics.dsfAlpha");
  let ewaldAccuracy = d.ewaldAccuracy;
  if (o.ewaldAccuracy !== undefined) {
    ewaldAccuracy = c.positive(o.ewaldAccuracy, "electrostatics.ewaldAccuracy");
    if (!(ewaldAccuracy < 1)) c.fail("electrostatics.ewaldAccuracy", `expected a number in (0, 1), got ${ewaldAccuracy}`);
  }
  return { longRange, cutoff, dsfAlpha, ewaldAccuracy };
}

function parseElement(c: Checker, symbol: string, v: Json): EctElement {
  const path = `elements.${symbol}`;
  const z = atomicNumber(symbol);
  if (z === undefined) c.fail(path, `unknown chemical symbol '${symbol}' (symbols are case-sensitive, e.g. "Cl")`);
  const o = c.object(v, path);
  c.keys(o, path, MODEL_KEYS.element, ["Z", "states"]);
  const Z = c.integer(o.Z, `${path}.Z`, 1, z);
  const mass = o.mass === undefined ? massOf(symbol) : c.positive(o.mass, `${path}.mass`);
  const dampingRadius = o.dampingRadius === undefined ? undefined : c.positive(o.dampingRadius, `${path}.dampingRadius`);
  const comment = o.comment === undefined ? undefined : c.string(o.comment, `${path}.comment`, false);
  const arr = c.array(o.states, `${path}.states`);
  if (arr.length === 0) c.fail(`${path}.states`, "expected at least one state (the neutral)");
  if (arr.length > MAX_STATES) {
    c.fail(`${path}.states`, `at most ${MAX_STATES} states per element (the wasm kernels' limit), got ${arr.length}`);
  }
  const states = arr.map((s, i) => parseState(c, s, `${path}.states[${i}]`, Z));

  const seen = new Map<string, number>();
  states.forEach((s, i) => {
    const prev = seen.get(s.name);
    if (prev !== undefined) c.fail(`${path}.states[${i}].name`, `duplicate state name "${s.name}" (also states[${prev}])`);
    seen.set(s.name, i);
  });
  const neutrals = states.map((s, i) => [s, i] as const).filter(([s]) => s.electrons === Z && s.energy === 0);
  if (neutrals.length !== 1) {
    const zeroN = states.findIndex((s) => s.electrons === Z);
    if (neutrals.length === 0 && zeroN >= 0 && states.filter((s) => s.electrons === Z).length === 1) {
      c.fail(
        `${path}.states[${zeroN}].energy`,
        `the neutral state (electrons == Z = ${Z}) must have energy 0 (energies are relative to it), got ${states[zeroN].energy}`,
      );
    }
    c.fail(
      `${path}.states`,
      `expected exactly one neutral ground state (electrons == Z = ${Z} and energy 0), found ${neutrals.length}`,
    );
  }
  return { symbol, Z, mass, states, ...(dampingRadius !== undefined ? { dampingRadius } : {}), ...(comment !== undefined ? { comment } : {}) };
}

function parseState(c: Checker, v: Json, path: string, Z: number): EctState {
  const o = c.object(v, path);
  c.keys(o, path, MODEL_KEYS.state, ["name", "electrons", "energy", "density", "embedding"]);
  const name = c.string(o.name, `${path}.name`);
  const electrons = c.integer(o.electrons, `${path}.electrons`, 0, Z + 2);
  const energy = c.number(o.energy, `${path}.energy`);
  const ionizationEnergy =
    o.ionizationEnergy === undefined ? undefined : c.positive(o.ionizationEnergy, `${path}.ionizationEnergy`);
  const comment = o.comment === undefined ? undefined : c.string(o.comment, `${path}.comment`, false);

  const terms = c.array(o.density, `${path}.density`);
  const density = terms.map((t, i) => {
    const tp = `${path}.density[${i}]`;
    const to = c.object(t, tp);
    c.keys(to, tp, MODEL_KEYS.densityTerm, MODEL_KEYS.densityTerm);
    return {
      type: c.oneOf(to.type, `${tp}.type`, ["slater", "gaussian"] as const),
      exponent: c.positive(to.exponent, `${tp}.exponent`),
      electrons: c.number(to.electrons, `${tp}.electrons`),
    };
  });
  const sum = density.reduce((s, t) => s + t.electrons, 0);
  if (Math.abs(sum - electrons) > ELECTRON_SUM_TOLERANCE * Math.max(1, electrons)) {
    c.fail(`${path}.density`, `the terms' electrons sum to ${sum}, expected the state's electrons = ${electrons}`);
  }

  const embedding = parseEmbedding(c, o.embedding, `${path}.embedding`);
  const asymptoticDecay = o.asymptoticDecay === undefined ? undefined : c.oneOf(o.asymptoticDecay, `${path}.asymptoticDecay`, ["free-ion", "compressed"] as const);
  let polarizability = 0;
  if (o.polarizability !== undefined) {
    polarizability = c.number(o.polarizability, `${path}.polarizability`);
    if (polarizability < 0) c.fail(`${path}.polarizability`, `expected a polarizability >= 0 (A^3), got ${polarizability}`);
  }
  return {
    name,
    electrons,
    charge: Z - electrons,
    energy,
    ...(ionizationEnergy !== undefined ? { ionizationEnergy } : {}),
    density,
    embedding,
    ...(asymptoticDecay !== undefined ? { asymptoticDecay } : {}),
    polarizability,
    ...(comment !== undefined ? { comment } : {}),
  };
}

function parseEmbedding(c: Checker, v: Json, path: string): EmbeddingSpec {
  const o = c.object(v, path);
  const form = c.oneOf(o.form, `${path}.form`, ["zero", "baskes", "sqrt", "spline"] as const);
  c.keys(o, path, MODEL_KEYS.embedding[form], MODEL_KEYS.embedding[form]);
  switch (form) {
    case "zero":
      return { form };
    case "baskes":
      return { form, a: c.number(o.a, `${path}.a`), rho0: c.positive(o.rho0, `${path}.rho0`) };
    case "sqrt":
      return { form, a: c.number(o.a, `${path}.a`) };
    case "spline": {
      const pts = c.array(o.points, `${path}.points`);
      if (pts.length < 2) c.fail(`${path}.points`, `expected at least 2 points [rhobar, F], got ${pts.length}`);
      const points = pts.map((p, i) => {
        const pp = `${path}.points[${i}]`;
        const a = c.array(p, pp);
        if (a.length !== 2) c.fail(pp, `expected a pair [rhobar, F], got ${show(p)}`);
        return [c.number(a[0], `${pp}[0]`), c.number(a[1], `${pp}[1]`)] as [number, number];
      });
      if (points[0][0] !== 0 || points[0][1] !== 0) {
        c.fail(`${path}.points[0]`, `the first point must be [0, 0] (F(0) = 0), got ${show(points[0])}`);
      }
      for (let i = 1; i < points.length; i++) {
        if (!(points[i][0] > points[i - 1][0])) {
          c.fail(`${path}.points[${i}][0]`, `rhobar must increase strictly, got ${points[i][0]} after ${points[i - 1][0]}`);
        }
      }
      return { form, points };
    }
  }
}

function parsePairTable<T>(
  c: Checker,
  v: Json,
  section: string,
  symbols: string[],
  parse: (v: Json, path: string, key: string, a: number, b: number) => T,
): T[] {
  if (v === undefined) return [];
  const o = c.object(v, section);
  const seen = new Map<string, string>();
  const out: T[] = [];
  for (const key of Object.keys(o)) {
    const path = `${section}.${key}`;
    const parts = key.split("-");
    if (parts.length !== 2 || parts.some((p) => atomicNumber(p) === undefined)) {
      c.fail(path, `expected a key "A-B" of two chemical symbols, e.g. "Li-H", got "${key}"`);
    }
    const idx = parts.map((p) => symbols.indexOf(p));
    const missing = parts.find((_, i) => idx[i] < 0);
    if (missing !== undefined) c.fail(path, `element '${missing}' is not in elements`);
    const a = Math.min(idx[0], idx[1]);
    const b = Math.max(idx[0], idx[1]);
    const canon = `${a}-${b}`;
    const prev = seen.get(canon);
    if (prev !== undefined) c.fail(path, `the pair is already given as ${section}.${prev}`);
    seen.set(canon, key);
    out.push(parse(o[key], path, key, a, b));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Physical-constraint warnings
// ------------------------------------------------------------------------------------------------

function fmt(x: number, digits = 4): string {
  return Number(x.toPrecision(digits)).toString();
}

/**
 * Ionization energy of state m of element e (eV): its `ionizationEnergy` when given, else
 * E(lowest state with N-1 electrons) - E(m); undefined when neither exists.
 */
export function stateIonizationEnergy(el: EctElement, m: number): number | undefined {
  const s = el.states[m];
  if (s.ionizationEnergy !== undefined) return s.ionizationEnergy;
  let best: number | undefined;
  for (const t of el.states) {
    if (t.electrons === s.electrons - 1 && (best === undefined || t.energy < best)) best = t.energy;
  }
  return best === undefined ? undefined : best - s.energy;
}

/** Electron-weighted mean radius <r> of a state density (A); NaN for an empty density. */
function meanRadius(s: EctState): number {
  let num = 0;
  let den = 0;
  for (const t of s.density) {
    num += t.electrons * rbfMeanRadius(t);
    den += t.electrons;
  }
  return den !== 0 ? num / den : NaN;
}

function physicalWarnings(model: EctModel): string[] {
  const warnings: string[] = [];
  for (const el of model.elements) {
    const base = `elements.${el.symbol}`;
    el.states.forEach((s, m) => {
      const path = `${base}.states[${m}]`;
      if (s.electrons === 0) return;
      // positivity
      if (s.density.some((t) => t.electrons < 0)) {
        const rho = rbfDensity(s.density);
        for (let i = 0; i <= 3000; i++) {
          const r = i * 0.01;
          if (rho.value(r) < 0) {
            warnings.push(`${path}.density: the density of ${s.name} is negative at r = ${fmt(r)} A`);
            break;
          }
        }
      }
      // asymptotic decay exp(-2 sqrt(2 I) r), unless the file says the tail is compressed on purpose
      if (s.asymptoticDecay === "compressed") return;
      const I = stateIonizationEnergy(el, m);
      if (I === undefined) return;
      if (!(I > 0)) {
        warnings.push(`${path}: ${s.name} is unbound (ionization energy ${fmt(I)} eV <= 0)`);
        return;
      }
      const zetaI = asymptoticSlaterExponent(I);
      const slater = s.density.filter((t) => t.type === "slater" && t.electrons > 0);
      if (slater.length === 0) {
        warnings.push(
          `${path}.density: ${s.name} has no Slater term, so its tail decays like a Gaussian instead of ` +
            `exp(-2 zeta r) with zeta = ${fmt(zetaI)} 1/A (ionization energy ${fmt(I)} eV)`,
        );
        return;
      }
      const zmin = Math.min(...slater.map((t) => t.exponent));
      if (Math.abs(zmin / zetaI - 1) > DECAY_RULE_TOLERANCE) {
        warnings.push(
          `${path}.density: the slowest Slater exponent of ${s.name} is ${fmt(zmin)} 1/A, but the asymptotic decay ` +
            `exp(-2 sqrt(2I) r) with I = ${fmt(I)} eV gives ${fmt(zetaI)} 1/A`,
        );
      }
    });
    // anions more diffuse than neutrals, cations more compact: compare the lowest-energy state of
    // each electron count, in order of electron count
    const ground = new Map<number, number>();
    el.states.forEach((s, m) => {
      if (s.electrons === 0) return;
      const g = ground.get(s.electrons);
      if (g === undefined || s.energy < el.states[g].energy) ground.set(s.electrons, m);
    });
    const order = [...ground.entries()].sort((x, y) => x[0] - y[0]).map(([, m]) => m);
    for (let i = 1; i < order.length; i++) {
      const lo = el.states[order[i - 1]];
      const hi = el.states[order[i]];
      const rlo = meanRadius(lo);
      const rhi = meanRadius(hi);
      if (!(rhi > rlo)) {
        warnings.push(
          `${base}.states[${order[i]}].density: ${hi.name} (${hi.electrons} electrons, <r> = ${fmt(rhi)} A) ` +
            `is not more diffuse than ${lo.name} (${lo.electrons} electrons, <r> = ${fmt(rlo)} A)`,
        );
      }
    }
  }
  const cw = coulombRemainderWarning(model);
  if (cw) warnings.push(cw);
  return warnings;
}

/**
 * Largest |u| (eV) of the Coulomb remainder u = U - k Q Q'/R of every state pair inside the taper
 * window [rc - taper, rc] of `cutoffs.coulombShortRange` (where the taper changes u, so this bounds
 * the energy error of the truncation), with the worst state pairs.
 */
export function coulombRemainderAtCutoff(model: EctModel): {
  maxAbs: number;
  failing: { pair: string; maxAbs: number; below: number }[];
} {
  const { coulombShortRange: rc, taper: w } = model.cutoffs;
  const all: { Z: number; density: DensityTerm[]; label: string }[] = [];
  for (const el of model.elements) for (const s of el.states) all.push({ Z: el.Z, density: s.density, label: `${el.symbol}:${s.name}` });
  let maxAbs = 0;
  const failing: { pair: string; maxAbs: number; below: number }[] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i; j < all.length; j++) {
      const u = coulombStatePair(all[i], all[j], COULOMB_K).remainder;
      let m = 0;
      for (let k = 0; k <= 4; k++) m = Math.max(m, Math.abs(u.value(rc - w + (k * w) / 4)));
      maxAbs = Math.max(maxAbs, m);
      if (m > COULOMB_REMAINDER_TOLERANCE) {
        let below = rc;
        while (below < 200 && Math.abs(u.value(below - w)) > COULOMB_REMAINDER_TOLERANCE) below += 0.5;
        failing.push({ pair: `${all[i].label}-${all[j].label}`, maxAbs: m, below });
      }
    }
  }
  failing.sort((x, y) => y.maxAbs - x.maxAbs);
  return { maxAbs, failing };
}

function coulombRemainderWarning(model: EctModel): string | undefined {
  const { failing } = coulombRemainderAtCutoff(model);
  if (failing.length === 0) return undefined;
  const rc = model.cutoffs.coulombShortRange;
  const worst = failing
    .slice(0, 3)
    .map((f) => `${f.pair} ${f.maxAbs.toExponential(1)} eV`)
    .join(", ");
  const need = Math.max(...failing.map((f) => f.below));
  return (
    `cutoffs.coulombShortRange: the short-ranged Coulomb remainder u = U - kQQ'/R still exceeds ` +
    `${COULOMB_REMAINDER_TOLERANCE} eV inside the taper window [${fmt(rc - model.cutoffs.taper)}, ${fmt(rc)}] A for ` +
    `${failing.length} state pair(s) (worst: ${worst}); the taper cuts that off. |u| < ${COULOMB_REMAINDER_TOLERANCE} eV ` +
    `needs coulombShortRange >= ${need < 200 ? fmt(need) : "200+"} A (diffuse densities decay slowly)`
  );
}
