/**
 * Validation of a parsed ECT-EAM model file: every field checked against the file format
 * (`schema.json`), defaults filled in, the first bad value reported as a `ModelError` with its
 * field path. Only the format's rules live here; the physical-constraint warnings that a valid
 * model may still earn are computed afterwards in `model-warnings.ts`, and `model.ts` joins the two.
 */
import { ModelError } from "../errors.js";
import { atomicNumber, massOf } from "../elements.js";
import {
  MAX_STATES,
  remainderCutoff,
  statePairKind,
  type EctCutoffs,
  type EctElectrostatics,
  type EctElement,
  type EctModel,
  type EctPair,
  type EctPairCutoff,
  type EctPolarization,
  type EctScreening,
  type EctResonance,
  type EctState,
  type EmbeddingSpec,
  type LongRangeKind,
  type PairSpec,
  type ResonanceSpec,
} from "./model-types.js";

/** Tolerance of sum(density[].electrons) == electrons. */
export const ELECTRON_SUM_TOLERANCE = 1e-12;

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
    "screening",
    "elements",
    "pairs",
    "resonance",
  ],
  cutoffs: ["density", "pair", "coulombShortRange", "coulombShortRangePairs", "resonance", "taper"],
  electrostatics: ["longRange", "cutoff", "dsfAlpha", "ewaldAccuracy"],
  element: ["Z", "mass", "states", "dampingRadius", "confinement", "densityScale", "comment"],
  state: ["name", "electrons", "energy", "ionizationEnergy", "density", "embedding", "asymptoticDecay", "polarizability", "comment"],
  polarization: ["cutoff"],
  screening: ["cmin", "cmax", "pairs"],
  densityTerm: ["type", "exponent", "electrons"],
  embedding: {
    zero: ["form"],
    baskes: ["form", "a", "rho0"],
    sqrt: ["form", "a"],
    spline: ["form", "points"],
  },
  pair: {
    zero: ["form", "comment"],
    "born-mayer": ["form", "A", "rho", "A2", "rho2", "states", "comment"],
    morse: ["form", "D", "alpha", "r0", "states", "comment"],
  },
  resonance: {
    exponential: ["form", "h0", "kappa", "cutoff", "donor", "comment"],
    "olson-smith-bauer": ["form", "scale", "cutoff", "donor", "comment"],
  },
} as const;

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

/**
 * Validate a parsed model file and fill in defaults, without the physical-constraint warnings
 * (`warnings` is empty; `parseEctModel` adds them).
 *
 * @param json   the value of `JSON.parse` of a model file
 * @param source file name or label, quoted in messages
 * @throws ModelError naming the field path of the first invalid value
 */
export function validateEctModel(json: unknown, source: string): EctModel {
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

  let screening: EctScreening | null = null;
  if (root.screening !== undefined) {
    if (transfer !== "bond") c.fail("screening", "screening of the couplings is implemented with bond transfer only (\"transfer\": \"bond\")");
    const o = c.object(root.screening, "screening");
    c.keys(o, "screening", MODEL_KEYS.screening, ["cmin", "cmax"]);
    const cmin = c.number(o.cmin, "screening.cmin");
    const cmax = c.number(o.cmax, "screening.cmax");
    if (!(cmin >= 0)) c.fail("screening.cmin", `expected a number >= 0, got ${cmin}`);
    if (!(cmax > cmin && cmax > 1)) c.fail("screening.cmax", `expected cmax > cmin and > 1, got ${cmax}`);
    let pairs: string[] | undefined;
    if (o.pairs !== undefined) {
      if (!Array.isArray(o.pairs)) c.fail("screening.pairs", "expected an array of resonance pairs such as \"Na-Cl\"");
      pairs = (o.pairs as Json[]).map((v, k) => c.string(v, `screening.pairs[${k}]`, false));
    }
    screening = pairs ? { cmin, cmax, pairs } : { cmin, cmax };
  }

  const elemsObj = c.object(root.elements, "elements");
  const symbols = Object.keys(elemsObj);
  if (symbols.length === 0) c.fail("elements", "expected at least one element");
  const elements = symbols.map((sym) => parseElement(c, sym, elemsObj[sym]));
  const remainderPairs = parseRemainderPairs(c, (root.cutoffs as Record<string, Json>).coulombShortRangePairs, symbols, cutoffs);
  if (remainderPairs.length) cutoffs.coulombShortRangePairs = remainderPairs;
  if (polarization) {
    for (const el of elements) {
      if (el.dampingRadius === undefined) c.fail(`elements.${el.symbol}.dampingRadius`, "missing required field (the model has polarization)");
    }
  } else {
    for (const el of elements) if (el.confinement) c.fail(`elements.${el.symbol}.confinement`, "confines the polarizability: needs the model's \"polarization\"");
  }

  // A pair's value is one spec or a list of specs (e.g. H-H: a Morse bond of the neutral atoms and
  // an overlap repulsion of the anions); their energies add.
  const pairs = parsePairTable(c, root.pairs, "pairs", symbols, (v, path, key, a, b): EctPair[] => {
    if (!Array.isArray(v)) return [parsePair(v, path, key, a, b)];
    if (v.length === 0) c.fail(path, "expected a pair spec or a non-empty list of them");
    return v.map((item, k) => parsePair(item, `${path}[${k}]`, key, a, b));
  }).flat();
  function parsePair(v: Json, path: string, key: string, a: number, b: number): EctPair {
    const o = c.object(v, path);
    const form = c.oneOf(o.form, join(path, "form"), ["zero", "born-mayer", "morse"] as const);
    const optional: readonly string[] = ["comment", "states", "A2", "rho2"];
    c.keys(o, path, MODEL_KEYS.pair[form], MODEL_KEYS.pair[form].filter((k) => !optional.includes(k)));
    let spec: PairSpec;
    if (form === "zero") spec = { form };
    else if (form === "born-mayer") {
      spec = { form, A: c.number(o.A, join(path, "A")), rho: c.positive(o.rho, join(path, "rho")) };
      if ((o.A2 === undefined) !== (o.rho2 === undefined)) c.fail(join(path, o.A2 === undefined ? "rho2" : "A2"), "the second exponential needs both A2 and rho2");
      if (o.A2 !== undefined) {
        spec.A2 = c.number(o.A2, join(path, "A2"));
        spec.rho2 = c.positive(o.rho2, join(path, "rho2"));
      }
    } else {
      spec = {
        form,
        D: c.number(o.D, join(path, "D")),
        alpha: c.positive(o.alpha, join(path, "alpha")),
        r0: c.number(o.r0, join(path, "r0")),
      };
    }
    const comment = o.comment === undefined ? undefined : c.string(o.comment, join(path, "comment"), false);
    const states = o.states === undefined ? "all" : c.oneOf(o.states, join(path, "states"), ["all", "neutral", "anion"] as const);
    if (states !== "all") {
      const rc = remainderCutoff(cutoffs, a, b);
      if (cutoffs.pair > rc) c.fail(join(path, "states"), `"${states}" pairs are tabulated with the Coulomb remainder: needs cutoffs.pair <= the pair's remainder cutoff (coulombShortRange or coulombShortRangePairs; ${cutoffs.pair} > ${rc})`);
      for (const el of [elements[a], elements[b]]) {
        if (!el.states.some((st) => statePairKind(st.charge) === states)) c.fail(join(path, "states"), `"${states}" needs ${states === "neutral" ? "a neutral state (charge 0)" : "an anionic state (charge < 0)"} of ${el.symbol}`);
      }
    }
    return { key, a, b, spec, states, ...(comment !== undefined ? { comment } : {}) };
  }

  const resonance = parsePairTable(c, root.resonance, "resonance", symbols, (v, path, key, a, b): EctResonance => {
    const o = c.object(v, path);
    const form = o.form === undefined ? "exponential" : c.oneOf(o.form, join(path, "form"), ["exponential", "olson-smith-bauer"] as const);
    c.keys(o, path, MODEL_KEYS.resonance[form], form === "exponential" ? ["h0", "kappa"] : ["donor"]);
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
    let spec: ResonanceSpec;
    if (form === "exponential") spec = { form, h0: c.number(o.h0, join(path, "h0")), kappa: c.positive(o.kappa, join(path, "kappa")) };
    else {
      if (transfer !== "bond") c.fail(join(path, "form"), "the Olson-Smith-Bauer coupling is used by bond transfer only");
      // The donor's first ionization energy and the acceptor's electron affinity, from the state energies.
      const [dn, ac] = donor === symbols[a] ? [elements[a], elements[b]] : [elements[b], elements[a]];
      const energyAt = (el: EctElement, charge: number, role: string) => {
        const st = el.states.find((x) => x.charge === charge);
        if (!st) c.fail(join(path, "form"), `the Olson-Smith-Bauer coupling needs ${role} of ${el.symbol} (a state of charge ${charge > 0 ? "+" : ""}${charge})`);
        return st!.energy;
      };
      const neutralD = energyAt(dn, 0, "the neutral state"), neutralA = energyAt(ac, 0, "the neutral state");
      const ionization = energyAt(dn, 1, "the cation") - neutralD, affinity = neutralA - energyAt(ac, -1, "the anion");
      if (!(ionization > 0) || !(affinity > 0)) c.fail(join(path, "form"), `the Olson-Smith-Bauer coupling needs a positive ionization energy of ${dn.symbol} and electron affinity of ${ac.symbol}, got ${ionization} and ${affinity} eV`);
      spec = { form, scale: o.scale === undefined ? 1 : c.number(o.scale, join(path, "scale")), ionization, affinity };
    }
    return {
      key,
      a,
      b,
      ...spec,
      ...(cutoff !== undefined ? { cutoff } : {}),
      ...(donor !== undefined ? { donor } : {}),
      ...(comment !== undefined ? { comment } : {}),
    };
  });

  if (screening?.pairs) {
    screening.pairs.forEach((key, k) => {
      const [a, b] = key.split("-");
      // A pair of elements the model does not have is allowed (fits cut models down to a dataset's elements).
      if (!(symbols.includes(a) && symbols.includes(b))) {
        if (!/^[A-Z][a-z]?-[A-Z][a-z]?$/.test(key)) c.fail(`screening.pairs[${k}]`, `expected a pair of element symbols such as "Na-Cl", got "${key}"`);
        return;
      }
      if (!resonance.some((r) => (symbols[r.a] === a && symbols[r.b] === b) || (symbols[r.a] === b && symbols[r.b] === a))) {
        c.fail(`screening.pairs[${k}]`, `"${key}" is not a resonance pair of the model`);
      }
    });
  }

  return {
    source,
    name,
    description,
    electronicTemperature,
    transfer,
    polarization,
    screening,
    cutoffs,
    electrostatics,
    totalCharge,
    elements,
    pairs,
    resonance,
    warnings: [],
  };
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

/**
 * `cutoffs.coulombShortRangePairs`: {"A-B": cutoff (A)}, each at least the common coulombShortRange.
 * Pairs of elements the model does not have are skipped (fits cut models down to a dataset's elements).
 */
function parseRemainderPairs(c: Checker, v: Json, symbols: string[], cutoffs: EctCutoffs): EctPairCutoff[] {
  if (v === undefined) return [];
  const path = "cutoffs.coulombShortRangePairs";
  const o = c.object(v, path);
  const out: EctPairCutoff[] = [];
  for (const key of Object.keys(o)) {
    const at = `${path}.${key}`;
    const parts = key.split("-");
    if (parts.length !== 2 || parts.some((p) => atomicNumber(p) === undefined)) c.fail(at, `expected a key "A-B" of two chemical symbols, e.g. "H-H", got "${key}"`);
    const cutoff = c.positive(o[key], at);
    if (!(cutoff >= cutoffs.coulombShortRange)) c.fail(at, `expected a cutoff >= cutoffs.coulombShortRange = ${cutoffs.coulombShortRange} (a longer reach for this pair), got ${cutoff}`);
    const idx = parts.map((p) => symbols.indexOf(p));
    if (idx.some((k) => k < 0)) continue;
    const a = Math.min(idx[0], idx[1]), b = Math.max(idx[0], idx[1]);
    if (out.some((p) => p.a === a && p.b === b)) c.fail(at, "the pair is given twice");
    out.push({ a, b, cutoff });
  }
  return out;
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
  let confinement: EctElement["confinement"];
  if (o.confinement !== undefined) {
    const co = c.object(o.confinement, `${path}.confinement`);
    c.keys(co, `${path}.confinement`, ["strength", "radius"], ["strength", "radius"]);
    confinement = { strength: c.positive(co.strength, `${path}.confinement.strength`), radius: c.positive(co.radius, `${path}.confinement.radius`) };
  }
  let densityScale: Record<string, number> | undefined;
  if (o.densityScale !== undefined) {
    const ds = c.object(o.densityScale, `${path}.densityScale`);
    densityScale = {};
    for (const [k, x] of Object.entries(ds)) {
      if (atomicNumber(k) === undefined) c.fail(`${path}.densityScale.${k}`, `unknown chemical symbol '${k}' (symbols are case-sensitive, e.g. "Cl")`);
      densityScale[k] = c.positive(x, `${path}.densityScale.${k}`);
    }
  }
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
  return { symbol, Z, mass, states, ...(dampingRadius !== undefined ? { dampingRadius } : {}), ...(confinement ? { confinement } : {}), ...(densityScale ? { densityScale } : {}), ...(comment !== undefined ? { comment } : {}) };
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
