// ECT-EAM model layer: model-file validation (field paths), JSON schema, the Coulomb closed forms
// against numerical integration, the analytic forms (taper, embedding) and the tables.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ModelError } from "../src/errors.js";
import {
  COULOMB_K,
  coulombStatePair,
  erf,
  erfc,
  gaussianGaussianJ,
  gaussianPotential,
  gaussianSlaterJ,
  integrateGK,
  rbfCoulombIntegral,
  rbfCoulombIntegralShortRange,
  rbfPotential,
  shellCoulombIntegral,
  slaterPotential,
  slaterSlaterJ,
  type RbfShape,
} from "../src/ect/coulomb.js";
import {
  baskesEmbedding,
  embeddingFunction,
  naturalCubicSpline,
  smoothCutoff,
  sqrtEmbedding,
  type RadialFunction,
} from "../src/ect/forms.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { asymptoticSlaterExponent, MODEL_KEYS, parseEctModel, type EctModel } from "../src/ect/model.js";
import { buildEctTables, COULOMB_R_MIN, ectFunctions, hostDensityEstimate } from "../src/ect/tables.js";
import { splineEval } from "../src/potentials/spline.js";
import type { SplineTable } from "../src/potentials/types.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const STARTER = join(ROOT, "models", "ect-starter.json");
const starterJson = (): any => JSON.parse(readFileSync(STARTER, "utf8"));
const starter = readEctModelFile(STARTER);

const NIST: Record<string, { IP: number; EA: number }> = {
  H: { IP: 13.598, EA: 0.754 },
  Li: { IP: 5.392, EA: 0.618 },
  Na: { IP: 5.139, EA: 0.548 },
  F: { IP: 17.423, EA: 3.401 },
  Cl: { IP: 12.968, EA: 3.613 },
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// ------------------------------------------------------------------------------------------------
describe("starter model", () => {
  it("parses, with the five elements, three states each and NIST energies", () => {
    expect(starter.elements.map((e) => e.symbol)).toEqual(["H", "Li", "Na", "F", "Cl"]);
    for (const el of starter.elements) {
      const Z = { H: 1, Li: 1, Na: 1, F: 7, Cl: 7 }[el.symbol]!;
      expect(el.Z).toBe(Z);
      expect(el.states.map((s) => s.electrons)).toEqual([Z - 1, Z, Z + 1]);
      expect(el.states.map((s) => s.charge)).toEqual([1, 0, -1]);
      expect(el.states[0].energy).toBe(NIST[el.symbol].IP);
      expect(el.states[1].energy).toBe(0);
      expect(el.states[2].energy).toBe(-NIST[el.symbol].EA);
    }
    expect(starter.electronicTemperature).toBe(0.02);
    expect(starter.cutoffs).toEqual({ density: 6, pair: 6, coulombShortRange: 8, resonance: 6, taper: 1 });
    expect(starter.electrostatics.longRange).toBe("direct");
    expect(starter.description).toMatch(/unfitted/i);
    // the five QM diatomics have a repulsion
    const keys = starter.pairs.map((p) => [p.a, p.b].map((i) => starter.elements[i].symbol).sort().join("-"));
    for (const k of ["H-H", "H-Li", "F-H", "F-Li", "Cl-Na"]) expect(keys).toContain(k);
  });

  it("follows the asymptotic-decay rule (no decay or ordering warnings)", () => {
    for (const el of starter.elements) {
      const zI = [1, 2].map((m) => Math.min(...el.states[m].density.map((t) => t.exponent)));
      expect(rel(zI[0], asymptoticSlaterExponent(NIST[el.symbol].IP))).toBeLessThan(1e-5);
      expect(rel(zI[1], asymptoticSlaterExponent(NIST[el.symbol].EA))).toBeLessThan(1e-5);
    }
    const physics = starter.warnings.filter((w) => !w.startsWith("cutoffs.coulombShortRange"));
    expect(physics).toEqual([]);
  });

  it("reports the Coulomb remainder that the 8 A cutoff truncates (diffuse anions)", () => {
    const w = starter.warnings.find((x) => x.startsWith("cutoffs.coulombShortRange"));
    expect(w).toBeDefined();
    expect(w).toMatch(/exceeds 0.000001 eV/);
  });
});

// ------------------------------------------------------------------------------------------------
describe("model validation names the bad field", () => {
  function failure(mutate: (m: any) => void): ModelError {
    const m = starterJson();
    mutate(m);
    try {
      parseEctModel(m, "test.json");
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      return e as ModelError;
    }
    throw new Error("expected a ModelError");
  }
  const cases: [string, (m: any) => void, string, RegExp][] = [
    ["negative exponent", (m) => (m.elements.Li.states[2].density[0].exponent = -1), "elements.Li.states[2].density[0].exponent", /expected a number > 0, got -1/],
    ["zero exponent", (m) => (m.elements.F.states[1].density[0].exponent = 0), "elements.F.states[1].density[0].exponent", /> 0/],
    ["unknown RBF type", (m) => (m.elements.F.states[1].density[0].type = "sto"), "elements.F.states[1].density[0].type", /"slater", "gaussian"/],
    ["fractional electrons", (m) => (m.elements.H.states[1].electrons = 1.5), "elements.H.states[1].electrons", /integer/],
    ["negative electrons", (m) => (m.elements.H.states[0].electrons = -1), "elements.H.states[0].electrons", /integer in \[0, 3\]/],
    ["too many electrons", (m) => (m.elements.F.states[2].electrons = 10), "elements.F.states[2].electrons", /integer in \[0, 9\]/],
    ["electron sum", (m) => (m.elements.F.states[2].density[1].electrons = 1.5), "elements.F.states[2].density", /sum to 8.5/],
    ["electron sum just outside 1e-12", (m) => (m.elements.Cl.states[1].density[0].electrons = 7 + 1e-10), "elements.Cl.states[1].density", /expected the state's electrons = 7/],
    ["five states", (m) => m.elements.Li.states.push(...m.elements.Li.states.slice(0, 2).map((s: any, i: number) => ({ ...s, name: `x${i}` }))), "elements.Li.states", /at most 4 states per element \(the wasm kernels' limit\)/],
    ["no states", (m) => (m.elements.Li.states = []), "elements.Li.states", /at least one/],
    ["no neutral", (m) => m.elements.Na.states.splice(1, 1), "elements.Na.states", /exactly one neutral/],
    ["neutral energy not 0", (m) => (m.elements.Na.states[1].energy = 0.1), "elements.Na.states[1].energy", /must have energy 0/],
    ["two neutrals", (m) => m.elements.Na.states.push({ ...m.elements.Na.states[1], name: "Na0b" }), "elements.Na.states", /found 2/],
    ["duplicate state name", (m) => (m.elements.H.states[2].name = "H+"), "elements.H.states[2].name", /duplicate state name/],
    ["unknown element", (m) => (m.elements.Xx = m.elements.H), "elements.Xx", /unknown chemical symbol 'Xx'/],
    ["lower-case symbol", (m) => { m.elements.cl = m.elements.Cl; delete m.elements.Cl; }, "elements.cl", /unknown chemical symbol/],
    ["Z not an integer", (m) => (m.elements.Na.Z = 1.5), "elements.Na.Z", /integer in \[1, 11\]/],
    ["Z above the atomic number", (m) => (m.elements.H.Z = 2), "elements.H.Z", /integer in \[1, 1\]/],
    ["negative mass", (m) => (m.elements.H.mass = -1), "elements.H.mass", /> 0/],
    ["typo in a top-level key", (m) => (m.cutofs = {}), "cutofs", /unknown key 'cutofs'/],
    ["typo in a state key", (m) => (m.elements.H.states[0].energ = 1), "elements.H.states[0].energ", /unknown key/],
    ["typo in a density term", (m) => (m.elements.H.states[1].density[0].exponnet = 1), "elements.H.states[1].density[0].exponnet", /unknown key/],
    ["missing cutoffs", (m) => delete m.cutoffs, "cutoffs", /missing required field/],
    ["missing energy", (m) => delete m.elements.Li.states[0].energy, "elements.Li.states[0].energy", /missing required field/],
    ["taper >= cutoff", (m) => (m.cutoffs.density = 1), "cutoffs.density", /expected a cutoff > cutoffs.taper = 1, got 1/],
    ["taper <= 0", (m) => (m.cutoffs.taper = 0), "cutoffs.taper", /> 0/],
    ["resonance cutoff", (m) => (m.cutoffs.resonance = 0.5), "cutoffs.resonance", /> cutoffs.taper/],
    ["electronic temperature 0", (m) => (m.electronicTemperature = 0), "electronicTemperature", /expected a number > 0, got 0/],
    ["electronic temperature a string", (m) => (m.electronicTemperature = "0.02"), "electronicTemperature", /got "0.02"/],
    ["long-range kind", (m) => (m.electrostatics.longRange = "pppm"), "electrostatics.longRange", /"direct", "dsf", "ewald"/],
    ["ewald accuracy", (m) => (m.electrostatics.ewaldAccuracy = 2), "electrostatics.ewaldAccuracy", /\(0, 1\)/],
    ["total charge", (m) => (m.totalCharge = null), "totalCharge", /finite number/],
    ["pair key", (m) => (m.pairs.LiH = m.pairs["Li-H"]), "pairs.LiH", /key "A-B"/],
    ["pair element missing", (m) => (m.pairs["Li-K"] = m.pairs["Li-H"]), "pairs.Li-K", /element 'K' is not in elements/],
    ["pair given twice", (m) => (m.pairs["H-Li"] = m.pairs["Li-H"]), "pairs.H-Li", /already given as pairs.Li-H/],
    ["pair form", (m) => (m.pairs["Li-H"].form = "buckingham"), "pairs.Li-H.form", /"zero", "born-mayer", "morse"/],
    ["Born-Mayer rho", (m) => (m.pairs["Li-H"].rho = -0.3), "pairs.Li-H.rho", /> 0/],
    ["Born-Mayer missing A", (m) => delete m.pairs["Li-H"].A, "pairs.Li-H.A", /missing required field/],
    ["Born-Mayer A2 without rho2", (m) => (m.pairs["Li-H"].A2 = 1), "pairs.Li-H.A2", /needs both A2 and rho2/],
    ["Born-Mayer rho2", (m) => Object.assign(m.pairs["Li-H"], { A2: 1, rho2: 0 }), "pairs.Li-H.rho2", /> 0/],
    ["Morse key on Born-Mayer", (m) => (m.pairs["Li-H"].D = 1), "pairs.Li-H.D", /unknown key 'D'/],
    ["Morse alpha", (m) => (m.pairs["Li-H"] = { form: "morse", D: 1, alpha: 0, r0: 1.6 }), "pairs.Li-H.alpha", /> 0/],
    ["resonance kappa", (m) => (m.resonance["Li-F"].kappa = -1), "resonance.Li-F.kappa", /> 0/],
    ["embedding form", (m) => (m.elements.H.states[1].embedding = { form: "meam" }), "elements.H.states[1].embedding.form", /"zero", "baskes", "sqrt", "spline"/],
    ["Baskes rho0", (m) => (m.elements.H.states[1].embedding.rho0 = 0), "elements.H.states[1].embedding.rho0", /> 0/],
    ["spline F(0) != 0", (m) => (m.elements.H.states[1].embedding = { form: "spline", points: [[0, 0.1], [1, -1]] }), "elements.H.states[1].embedding.points[0]", /must be \[0, 0\]/],
    ["spline not increasing", (m) => (m.elements.H.states[1].embedding = { form: "spline", points: [[0, 0], [0.5, -1], [0.5, -2]] }), "elements.H.states[1].embedding.points[2][0]", /increase strictly/],
    ["spline point shape", (m) => (m.elements.H.states[1].embedding = { form: "spline", points: [[0, 0], [0.5]] }), "elements.H.states[1].embedding.points[1]", /pair \[rhobar, F\]/],
  ];
  for (const [what, mutate, path, message] of cases) {
    it(`${what} -> ${path}`, () => {
      const e = failure(mutate);
      expect(e.field).toBe(path);
      expect(e.message.startsWith(`${path}: `)).toBe(true);
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/\(in test\.json\)$/);
    });
  }
  it("rejects a non-object model", () => {
    expect(() => parseEctModel([], "x")).toThrow(ModelError);
    expect(() => parseEctModel(null, "x")).toThrow(/expected an object/);
  });
  it("fills in defaults (mass, totalCharge, electrostatics, resonance cutoff)", () => {
    const m = starterJson();
    delete m.totalCharge;
    delete m.electrostatics;
    delete m.elements.Na.mass;
    const model = parseEctModel(m, "x");
    expect(model.totalCharge).toBe(0);
    expect(model.electrostatics).toEqual({ longRange: "direct", cutoff: 12, dsfAlpha: 0.2, ewaldAccuracy: 1e-8 });
    expect(model.elements[2].mass).toBe(22.98976928);
    expect(model.cutoffs.resonance).toBe(model.cutoffs.pair);
  });
  it("warns about violated physical constraints", () => {
    const m = starterJson();
    m.elements.Li.states[2].density[1].exponent = 1.5; // anion tail too compact, and more compact than Li0
    m.elements.F.states[1].density = [{ type: "gaussian", exponent: 5, electrons: 7 }];
    m.elements.Cl.states[1].density = [
      { type: "slater", exponent: 1.84491, electrons: 8 },
      { type: "slater", exponent: 3, electrons: -1 },
    ];
    m.elements.Cl.states[1].density[1].exponent = 0.5; // negative diffuse term: rho < 0 at large r
    const w = parseEctModel(m, "x").warnings;
    expect(w.some((x) => x.startsWith("elements.Li.states[2].density: the slowest Slater exponent of Li- is 1.19"))).toBe(true);
    expect(w.some((x) => x.startsWith("elements.Li.states[2].density: Li- (2 electrons") && /not more diffuse/.test(x))).toBe(true);
    expect(w.some((x) => x.startsWith("elements.F.states[1].density: F0 has no Slater term"))).toBe(true);
    expect(w.some((x) => x.startsWith("elements.Cl.states[1].density: the density of Cl0 is negative"))).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
describe("JSON schema", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, "src", "ect", "schema.json"), "utf8"));
  const props = (def: any) => Object.keys(def.properties).sort();
  const sorted = (a: readonly string[]) => [...a].sort();

  it("is draft 2020-12 and lists every top-level key the parser accepts", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(props(schema)).toEqual(sorted(MODEL_KEYS.model));
    for (const k of Object.keys(starterJson())) expect(schema.properties).toHaveProperty(k);
    expect(sorted(schema.required)).toEqual(["cutoffs", "electronicTemperature", "elements", "name"]);
  });

  it("lists the same keys as the parser in every object", () => {
    const d = schema.$defs;
    expect(props(d.cutoffs)).toEqual(sorted(MODEL_KEYS.cutoffs));
    expect(props(d.electrostatics)).toEqual(sorted(MODEL_KEYS.electrostatics));
    expect(props(d.element)).toEqual(sorted(MODEL_KEYS.element));
    expect(props(d.state)).toEqual(sorted(MODEL_KEYS.state));
    expect(props(d.densityTerm)).toEqual(sorted(MODEL_KEYS.densityTerm));
    for (const branch of d.resonance.oneOf) {
      expect(props(branch)).toEqual(sorted(MODEL_KEYS.resonance[branch.properties.form.const as keyof typeof MODEL_KEYS.resonance]));
    }
    for (const branch of d.embedding.oneOf) {
      expect(props(branch)).toEqual(sorted(MODEL_KEYS.embedding[branch.properties.form.const as keyof typeof MODEL_KEYS.embedding]));
    }
    for (const branch of d.pair.oneOf) {
      expect(props(branch)).toEqual(sorted(MODEL_KEYS.pair[branch.properties.form.const as keyof typeof MODEL_KEYS.pair]));
    }
    expect(d.element.properties.states.maxItems).toBe(4);
  });

  it("documents every field", () => {
    const undocumented: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== "object") return;
      if (node.properties) {
        for (const [k, v] of Object.entries<any>(node.properties)) {
          if (!v.description && !v.$ref) undocumented.push(`${path}.${k}`);
          walk(v, `${path}.${k}`);
        }
      }
      for (const key of ["oneOf", "items", "additionalProperties"]) {
        const sub = node[key];
        if (Array.isArray(sub)) sub.forEach((s, i) => walk(s, `${path}.${key}[${i}]`));
        else if (sub && typeof sub === "object") walk(sub, `${path}.${key}`);
      }
    };
    walk(schema, "");
    for (const [k, v] of Object.entries<any>(schema.$defs)) {
      if (!v.description) undocumented.push(`$defs.${k}`);
      walk(v, `$defs.${k}`);
    }
    expect(undocumented).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
describe("Coulomb closed forms", () => {
  const S = (z: number): RbfShape => ({ type: "slater", exponent: z });
  const G = (a: number): RbfShape => ({ type: "gaussian", exponent: a });
  const densityOf = (s: RbfShape) => (r: number) =>
    s.type === "slater"
      ? (s.exponent ** 3 / Math.PI) * Math.exp(-2 * s.exponent * r)
      : (s.exponent / Math.PI) ** 1.5 * Math.exp(-s.exponent * r * r);
  /** V(R) = (1/R) Int_0^R 4 pi r^2 rho + Int_R^inf 4 pi r rho, by adaptive quadrature. */
  const numericPotential = (s: RbfShape, R: number) => {
    const rho = densityOf(s);
    const inner = integrateGK((r, o) => void (o[0] = 4 * Math.PI * r * r * rho(r)), 1, 0, R, 1e-14)[0];
    const outer = integrateGK((r, o) => void (o[0] = 4 * Math.PI * r * rho(r)), 1, R, R + 60, 1e-14)[0];
    return inner / R + outer;
  };

  it("erf and erfc agree with high-precision values", () => {
    // [x, erf(x), erfc(x)]: mpmath at 40 digits (test/fixtures/scripts/mpmath-references.py)
    const ref: [number, number, number][] = [
      [0.1, 0.1124629160182848922, 0.8875370839817151078],
      [0.5, 0.52049987781304653768, 0.47950012218695346232],
      [1, 0.84270079294971486934, 0.15729920705028513066],
      [2, 0.99532226501895273416, 0.0046777349810472658379],
      [2.5, 0.99959304798255504106, 0.00040695201744495893956],
      [3, 0.99997790950300141456, 0.000022090496998585441373],
      [4, 0.99999998458274209972, 1.5417257900280018852e-8],
      [5.5, 0.99999999999999264215, 7.3578479179743980631e-15],
    ];
    for (const [x, e, ec] of ref) {
      expect(rel(erf(x), e)).toBeLessThan(1e-15);
      expect(rel(erf(-x), -e)).toBeLessThan(1e-15);
      expect(rel(erfc(x), ec)).toBeLessThan(x < 2.5 ? 1e-12 : 1e-14);
    }
  });

  it("Slater and Gaussian potentials match numerical radial integration", () => {
    for (const s of [S(0.45), S(1.19), S(3.03), G(0.3), G(2.0), G(40)]) {
      for (const R of [0.05, 0.3, 1, 2.5, 7]) {
        const v = s.type === "slater" ? slaterPotential(s.exponent, R) : gaussianPotential(s.exponent, R);
        expect(rel(v, numericPotential(s, R))).toBeLessThan(1e-11);
      }
    }
    // R -> 0 limits: zeta and 2 sqrt(alpha/pi), no NaN
    expect(slaterPotential(1.3, 0)).toBe(1.3);
    expect(rel(gaussianPotential(2, 0), 2 * Math.sqrt(2 / Math.PI))).toBeLessThan(1e-15);
    expect(rel(slaterPotential(1.3, 1e-9), 1.3)).toBeLessThan(1e-15);
  });

  it("J(R) is symmetric in (a, b) and tends to 1/R at large R", () => {
    const shapes = [S(0.4), S(2.1), G(0.5), G(8)];
    for (const a of shapes) {
      for (const b of shapes) {
        for (const R of [0, 0.4, 1.7, 5]) {
          expect(rel(rbfCoulombIntegral(a, b, R)[0], rbfCoulombIntegral(b, a, R)[0])).toBeLessThan(1e-13);
        }
        const R = 60;
        expect(Math.abs(rbfCoulombIntegral(a, b, R)[0] * R - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it("J(0) is finite and equals the known self-interaction", () => {
    for (const [a, b] of [[1, 1], [0.3, 5], [2, 7]]) {
      const g = (a * b) / (a + b);
      expect(rel(gaussianGaussianJ(a, b, 0), 2 * Math.sqrt(g / Math.PI))).toBeLessThan(1e-15);
      expect(rel(gaussianGaussianJ(a, b, 1e-8), 2 * Math.sqrt(g / Math.PI))).toBeLessThan(1e-12);
    }
    for (const z of [0.4, 1, 2.5]) {
      expect(rel(slaterSlaterJ(z, z, 0), (5 * z) / 8)).toBeLessThan(1e-15);
      expect(rel(slaterSlaterJ(z, z, 1e-8), (5 * z) / 8)).toBeLessThan(1e-12);
    }
    const [a, b] = [0.9, 2.2];
    expect(rel(slaterSlaterJ(a, b, 0), (a * b * (a * a + 3 * a * b + b * b)) / (a + b) ** 3)).toBeLessThan(1e-15);
    for (const R of [0, 1e-10, 1e-6]) {
      for (const [s, t] of [[S(1), G(2)], [S(0.5), S(0.5)], [G(1), G(3)]]) {
        const [v, d] = rbfCoulombIntegral(s, t, R);
        expect(Number.isFinite(v) && Number.isFinite(d)).toBe(true);
      }
    }
  });

  it("Slater-Slater closed form (equal, unequal, nearly equal exponents) matches quadrature", () => {
    for (const [a, b] of [[1, 1], [1.3, 0.7], [2.13846, 0.9448], [1, 1.0001], [1, 1.03], [0.38, 4.46]]) {
      for (const R of [0.001, 0.02, 0.3, 1, 2.5, 8]) {
        const [J, dJ] = rbfCoulombIntegral(S(a), S(b), R);
        const [Jq, dJq] = shellCoulombIntegral(S(a), S(b), R);
        expect(rel(J, Jq)).toBeLessThan(1e-11);
        expect(Math.abs(dJ - dJq)).toBeLessThan(1e-9 * Math.max(Math.abs(dJq), 1 / (R * R) * 1e-3));
      }
    }
  });

  it("the quadrature reproduces the Gaussian-Gaussian closed form; Gaussian-Slater matches reference values", () => {
    for (const R of [0.01, 0.5, 3]) expect(rel(shellCoulombIntegral(G(1.5), G(0.4), R)[0], gaussianGaussianJ(1.5, 0.4, R))).toBeLessThan(1e-12);
    // reference: 40-digit mpmath quadrature of the same integral (test/fixtures/scripts/mpmath-references.py)
    const ref: [number, number, number, number][] = [
      [1.3, 0.9, 0, 0.6924440299069859328],
      [1.3, 0.9, 0.7, 0.6449375846648156444],
      [1.3, 0.9, 2.5, 0.37823380312281459632],
      [20, 0.5, 1.2, 0.42986654555932781521],
      [0.2, 3.0, 4.0, 0.24666492893675210574],
    ];
    for (const [alpha, zeta, R, J] of ref) expect(rel(gaussianSlaterJ(alpha, zeta, R), J)).toBeLessThan(1e-12);
  });

  it("derivatives of V and J agree with central differences", () => {
    const h = 1e-5;
    const shapes = [S(0.6), S(1.9), G(0.7), G(5)];
    for (const R of [0.2, 0.9, 3]) {
      for (const s of shapes) {
        const fd = (rbfPotential(s, R + h)[0] - rbfPotential(s, R - h)[0]) / (2 * h);
        expect(Math.abs(rbfPotential(s, R)[1] - fd)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
        for (const t of shapes) {
          const fj = (rbfCoulombIntegral(s, t, R + h)[0] - rbfCoulombIntegral(s, t, R - h)[0]) / (2 * h);
          expect(Math.abs(rbfCoulombIntegral(s, t, R)[1] - fj)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fj)));
          const fs = (rbfCoulombIntegralShortRange(s, t, R + h)[0] - rbfCoulombIntegralShortRange(s, t, R - h)[0]) / (2 * h);
          expect(Math.abs(rbfCoulombIntegralShortRange(s, t, R)[1] - fs)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fs)));
        }
      }
    }
  });

  it("U_{AM,BM'} tends to k Q Q'/R at long range, and u = U - kQQ'/R is its remainder", () => {
    const states = starter.elements.flatMap((el) => el.states.map((s) => ({ Z: el.Z, density: s.density, Q: s.charge })));
    for (const A of states) {
      for (const B of states) {
        const c = coulombStatePair(A, B);
        expect(c.charges).toEqual([A.Q, B.Q]);
        const R = 45;
        const U = c.full.value(R);
        expect(Math.abs(U - (COULOMB_K * A.Q * B.Q) / R)).toBeLessThan(1e-9);
        for (const r of [0.5, 1.5, 4]) {
          expect(Math.abs(c.full.value(r) - (COULOMB_K * A.Q * B.Q) / r - c.remainder.value(r))).toBeLessThan(1e-12 * Math.abs(c.full.value(r)) + 1e-12);
        }
      }
    }
    // closed form of U for two hydrogen atoms (1s densities, atomic units): e^{-2R}(1/R + 5/8 - 3R/4 - R^2/6)
    const a0 = 0.529177;
    const hz = 1 / a0;
    const H0 = { Z: 1, density: [{ type: "slater" as const, exponent: hz, electrons: 1 }] };
    for (const Rb of [0.5, 1.4, 3]) {
      const exact = (COULOMB_K / a0) * Math.exp(-2 * Rb) * (1 / Rb + 5 / 8 - (3 * Rb) / 4 - (Rb * Rb) / 6);
      expect(rel(coulombStatePair(H0, H0).full.value(Rb * a0), exact)).toBeLessThan(1e-11);
    }
  });
});

// ------------------------------------------------------------------------------------------------
describe("analytic forms", () => {
  it("the taper is C2: value, first and second derivative continuous at both ends", () => {
    const T = smoothCutoff(6, 1.5);
    const eps = 1e-9;
    for (const x of [4.5, 6]) {
      expect(Math.abs(T.value(x - eps) - T.value(x + eps))).toBeLessThan(1e-12);
      expect(Math.abs(T.derivative(x - eps) - T.derivative(x + eps))).toBeLessThan(1e-12);
      expect(Math.abs(T.secondDerivative(x - eps) - T.secondDerivative(x + eps))).toBeLessThan(1e-7);
      expect(Math.abs(T.derivative(x))).toBe(0);
      expect(Math.abs(T.secondDerivative(x))).toBe(0);
    }
    expect(T.value(4.5)).toBe(1);
    expect(T.value(6)).toBe(0);
    expect(T.value(3)).toBe(1);
    expect(T.value(7)).toBe(0);
    expect(T.value(5.25)).toBeCloseTo(0.5, 15);
    const h = 1e-5;
    for (let x = 4.3; x < 6.2; x += 0.07) {
      expect(Math.abs(T.derivative(x) - (T.value(x + h) - T.value(x - h)) / (2 * h))).toBeLessThan(1e-8);
      expect(Math.abs(T.secondDerivative(x) - (T.derivative(x + h) - T.derivative(x - h)) / (2 * h))).toBeLessThan(1e-7);
    }
  });

  it("F(0) = 0 for every embedding form and every state of the starter", () => {
    const forms: RadialFunction[] = [
      baskesEmbedding(3, 0.1),
      baskesEmbedding(-2, 0.5),
      sqrtEmbedding(1.5),
      naturalCubicSpline([[0, 0], [0.1, -1], [0.3, -1.5], [1, 0.5]]),
      embeddingFunction({ form: "zero" }),
    ];
    for (const f of forms) expect(f.value(0)).toBe(0);
    for (const el of starter.elements) for (const s of el.states) expect(embeddingFunction(s.embedding).value(0)).toBe(0);
    const t = buildEctTables(starter, { dr: 0.01 });
    for (const row of t.embedding) for (const tab of row) expect(splineEval(tab, 0, true)[0]).toBe(0);
  });

  it("embedding and pair derivatives agree with central differences; the spline interpolates its points", () => {
    const pts: [number, number][] = [[0, 0], [0.1, -1], [0.3, -1.5], [1, 0.5], [2, 1]];
    const sp = naturalCubicSpline(pts);
    for (const [x, y] of pts) expect(Math.abs(sp.value(x) - y)).toBeLessThan(1e-14);
    const h = 1e-6;
    const fns: RadialFunction[] = [sp, baskesEmbedding(3, 0.1), sqrtEmbedding(1.5)];
    for (const f of fns) {
      for (const x of [0.05, 0.2, 0.65, 1.5, 2.5]) {
        expect(Math.abs(f.derivative(x) - (f.value(x + h) - f.value(x - h)) / (2 * h))).toBeLessThan(1e-7);
      }
    }
    // natural spline: linear continuation beyond the last point
    expect(Math.abs(sp.derivative(3) - sp.derivative(2))).toBeLessThan(1e-14);
  });
});

// ------------------------------------------------------------------------------------------------
describe("tables", () => {
  const tables = buildEctTables(starter);
  const fns = ectFunctions(starter);

  it("have the engine's shape", () => {
    expect(tables.elements).toEqual(["H", "Li", "Na", "F", "Cl"]);
    expect(tables.Z).toEqual([1, 1, 1, 7, 7]);
    expect(tables.maxStates).toBe(3);
    expect(tables.kT).toBe(0.02);
    expect(tables.totalCharge).toBe(0);
    expect(tables.dr).toBe(0.002);
    expect(tables.cutoff).toBe(8);
    expect((tables.nr - 1) * tables.dr).toBeGreaterThanOrEqual(tables.cutoff);
    expect(tables.rhoMax).toBeCloseTo((tables.nrho - 1) * tables.drho, 12);
    expect(tables.rhoMax).toBeGreaterThanOrEqual(1.25 * hostDensityEstimate(fns) * (1 - 1e-12));
    expect(tables.resonance).toBeNull(); // every h0 of the starter is 0
    expect(tables.coulombConstant).toBe(14.399645);
    expect(tables.longRange).toEqual({ kind: "direct", cutoff: 12, dsfAlpha: 0.2, ewaldAccuracy: 1e-8 });
    expect(tables.states[3].map((s) => [s.name, s.electrons, s.charge])).toEqual([["F+", 6, 1], ["F0", 7, 0], ["F-", 8, -1]]);
    const all: SplineTable[] = [
      ...tables.density.flat(),
      ...tables.pair.flat(),
      ...tables.coulomb.flat(3),
    ];
    for (const t of all) {
      expect(t.n).toBe(tables.nr);
      expect(t.delta).toBe(tables.dr);
    }
    for (const t of tables.embedding.flat()) expect([t.n, t.delta]).toEqual([tables.nrho, tables.drho]);
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        expect(tables.pair[a][b]).toBe(tables.pair[b][a]);
        for (let m = 0; m < 3; m++) for (let mm = 0; mm < 3; mm++) expect(tables.coulomb[a][m][b][mm]).toBe(tables.coulomb[b][mm][a][m]);
      }
    }
    // the Coulomb remainder is finite everywhere and constant below rMin
    const u = tables.coulomb[1][0][3][2];
    expect(Number.isFinite(splineEval(u, 0)[0])).toBe(true);
    expect(fns.coulomb[1][0][3][2].value(0.1)).toBe(fns.coulomb[1][0][3][2].value(COULOMB_R_MIN));
  });

  /**
   * Largest table error at the interval mid-points of [x0, x1] (every `stride`-th interval), relative
   * to the local scale |f(x)| + 0.05 A |f'(x)| (the value) and |f'(x)| + 0.05 A |f''(x)| (the
   * derivative), so that a zero crossing does not count as infinitely wrong.
   */
  function worst(t: SplineTable, f: RadialFunction, x0: number, x1: number, clampLow = false, stride = 1): [number, number] {
    let ev = 0;
    let ed = 0;
    const h = 0.05;
    for (let m = Math.ceil(x0 / t.delta); (m + 0.5) * t.delta < x1; m += stride) {
      const x = (m + 0.5) * t.delta;
      const [v, d] = splineEval(t, x, clampLow);
      const fv = f.value(x);
      const fd = f.derivative(x);
      const f2 = (f.derivative(x + 1e-4) - f.derivative(x - 1e-4)) / 2e-4;
      const sv = Math.abs(fv) + h * Math.abs(fd);
      const sd = Math.abs(fd) + h * Math.abs(f2);
      if (sv > 0) ev = Math.max(ev, Math.abs(v - fv) / sv);
      if (sd > 0) ed = Math.max(ed, Math.abs(d - fd) / sd);
    }
    return [ev, ed];
  }

  it("reproduce the analytic functions to 1e-8 (value) and 1e-6 (derivative) at mid-points for r >= 0.5 A", () => {
    // up to the start of the taper (whose third derivative jumps there); the taper window is checked below
    const c = starter.cutoffs;
    const end = (rc: number) => rc - c.taper - 0.01;
    let wv = 0;
    let wd = 0;
    const acc = ([v, d]: [number, number]) => {
      wv = Math.max(wv, v);
      wd = Math.max(wd, d);
    };
    for (let a = 0; a < 5; a++) {
      for (let m = 0; m < 3; m++) {
        acc(worst(tables.density[a][m], fns.density[a][m], 0.5, end(c.density)));
        for (let b = a; b < 5; b++) {
          for (let mm = 0; mm < 3; mm++) acc(worst(tables.coulomb[a][m][b][mm], fns.coulomb[a][m][b][mm], 0.5, end(c.coulombShortRange), false, 5));
        }
      }
      for (let b = a; b < 5; b++) acc(worst(tables.pair[a][b], fns.pair[a][b], 0.5, end(c.pair)));
    }
    expect(wv).toBeLessThan(1e-8);
    expect(wd).toBeLessThan(1e-6);
  });

  it("stay accurate through the taper and are zero beyond every cutoff", () => {
    const c = starter.cutoffs;
    for (let a = 0; a < 5; a++) {
      for (let m = 0; m < 3; m++) {
        const f = fns.density[a][m];
        const t = tables.density[a][m];
        const scale = Math.abs(f.value(c.density - c.taper));
        for (let r = c.density - c.taper - 0.05; r < c.density + 0.01; r += 0.0031) {
          const [v, d] = splineEval(t, r);
          expect(Math.abs(v - f.value(r))).toBeLessThanOrEqual(1e-8 * scale);
          expect(Math.abs(d - f.derivative(r))).toBeLessThanOrEqual(1e-5 * scale);
        }
        expect(splineEval(t, c.density + 3 * tables.dr)[0]).toBe(0);
        expect(splineEval(tables.coulomb[a][m][a][m], c.coulombShortRange + 3 * tables.dr)[0]).toBe(0);
      }
    }
  });

  it("embedding tables reproduce F(rhobar) (away from the log singularity at 0)", () => {
    for (let a = 0; a < 5; a++) {
      for (let m = 0; m < 3; m++) {
        const [v, d] = worst(tables.embedding[a][m], fns.embedding[a][m], 100 * tables.drho, tables.rhoMax - 3 * tables.drho, true);
        expect(v).toBeLessThan(1e-8);
        expect(d).toBeLessThan(1e-6);
      }
    }
  });

  it("carry resonance tables when a coupling is switched on", () => {
    const m = starterJson();
    m.resonance["Li-F"].h0 = 0.5;
    m.cutoffs.resonance = 9;
    const model: EctModel = parseEctModel(m, "x");
    const t = buildEctTables(model, { dr: 0.01 });
    expect(t.resonance).not.toBeNull();
    expect(t.cutoff).toBe(9);
    const li = 1;
    const f = 3;
    expect(t.resonance![li][f]).toBe(t.resonance![f][li]);
    expect(splineEval(t.resonance![li][f], 2.0)[0]).toBeCloseTo(-0.5 * Math.exp(-2.0), 9);
    expect(splineEval(t.resonance![0][0], 2.0)[0]).toBe(0);
  });
});
