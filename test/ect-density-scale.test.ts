/**
 * Pair-specific host densities (an element's `densityScale`, as in Finnis-Sinclair EAM): the density
 * that the states of element B put on A's host density is multiplied by s_AB. Checked here: the host
 * densities of a cluster scale exactly as the formula says (and only the listed direction), energy
 * and forces against central differences with a scale, the Coulomb terms untouched, the model file's
 * errors and the frozen eam/alloy export's refusal. Hand-set fixture (test/fixtures/ect-bond-test.json).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { parseEctModel } from "../src/ect/model.js";
import { buildEctTables } from "../src/ect/tables.js";
import { freezeEct } from "../src/export/ect-frozen.js";
import { restrictModel } from "../src/fit/bond-objective.js";
import { forceError } from "./helpers/ect-finite-diff.js";
import { calculatorOf } from "./helpers/ect-tables.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
const json = (scale: Record<string, Record<string, number>> = {}) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  for (const [host, s] of Object.entries(scale)) m.elements[host].densityScale = s;
  return m;
};
const calcFor = (m: Record<string, unknown>) => calculatorOf(m, "ect-bond-test.json");
// Na, H, Cl and a second H: Na's host density collects two hydrogens and a chlorine.
const cluster = () => new Atoms({ symbols: ["Na", "H", "Cl", "H"], positions: [0, 0, 0, 0.3, 0.1, 1.9, 2.3, 0.4, -0.9, -1.4, 1.2, 0.6] });

describe("pair-specific host densities (densityScale)", () => {
  it("at fixed weights, the host density of A is sum_j s_A,el(j) rho_j: only the listed direction changes", async () => {
    // The weights differ with the scale, so compare at one weight set: a model whose
    // embeddings are all zero solves to the same weights whatever the scale (the embedding is the only reader).
    const zeroEmbedding = (m: Record<string, any>) => {
      for (const el of Object.keys(m.elements)) for (const st of m.elements[el].states) st.embedding = { form: "zero" };
      return m;
    };
    const atoms = cluster();
    const plain = (await calcFor(zeroEmbedding(json()))).calculate(atoms);
    const onlyH = (await calcFor(zeroEmbedding(json({ Cl: { Na: 0.25 } })))).calculate(atoms); // Cl's host only
    const scaled = (await calcFor(zeroEmbedding(json({ Na: { H: 0.3 } })))).calculate(atoms);
    expect(Array.from(scaled.weights)).toEqual(Array.from(plain.weights));
    expect(scaled.grandPotential).toBe(plain.grandPotential);
    // Na's host density without the hydrogens' share: the scale-0.3 value minus 0.3 of their part.
    const hPart = (plain.hostDensities[0] - scaled.hostDensities[0]) / 0.7;
    expect(hPart).toBeGreaterThan(1e-4);
    expect(plain.hostDensities[0] - hPart).toBeGreaterThan(1e-5); // the chlorine's share
    // Linear in the factor: a second scale lands where the first one's split predicts.
    const other = (await calcFor(zeroEmbedding(json({ Na: { H: 0.6 } })))).calculate(atoms);
    expect(Array.from(other.weights)).toEqual(Array.from(plain.weights));
    expect(Math.abs(other.hostDensities[0] - (plain.hostDensities[0] - 0.4 * hPart))).toBeLessThan(1e-12);
    // Other hosts are untouched; a scale on Cl's host changes only the Cl host density.
    for (const k of [1, 2, 3]) expect(scaled.hostDensities[k]).toBe(plain.hostDensities[k]);
    expect(onlyH.hostDensities[2]).toBeLessThan(plain.hostDensities[2]);
    for (const k of [0, 1, 3]) expect(onlyH.hostDensities[k]).toBe(plain.hostDensities[k]);
  });

  it("energy changes with the scale and forces are -dE/dR (cluster)", async () => {
    const atoms = cluster();
    const plain = (await calcFor(json())).calculate(atoms).grandPotential;
    const calc = await calcFor(json({ Na: { H: 0.3, Cl: 1.7 }, H: { Na: 0.6 } }));
    const scaled = calc.calculate(atoms).grandPotential;
    expect(Math.abs(scaled - plain)).toBeGreaterThan(1e-3);
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });

  it("the model file: chemical symbols, positive factors", () => {
    const bad = (edit: (m: Record<string, any>) => void) => {
      const m = json();
      edit(m);
      return () => parseEctModel(m, "ect-bond-test.json");
    };
    expect(bad((m) => (m.elements.Na.densityScale = { H: -1 }))).toThrow(/elements\.Na\.densityScale\.H: expected a number > 0/);
    expect(bad((m) => (m.elements.Na.densityScale = { H: 0 }))).toThrow(/elements\.Na\.densityScale\.H: expected a number > 0/);
    expect(bad((m) => (m.elements.Na.densityScale = { Hx: 1 }))).toThrow(/elements\.Na\.densityScale\.Hx: unknown chemical symbol/);
    // An element the model does not have is ignored: a model cut down to fewer elements stays valid.
    expect(bad((m) => (m.elements.Na.densityScale = { K: 0.5 }))).not.toThrow();
    expect(bad((m) => (m.elements.Na.densityScale = 0.5))).toThrow(/elements\.Na\.densityScale/);
  });

  it("the frozen eam/alloy export refuses a structure whose elements are scaled, and accepts others", async () => {
    // (the export covers ensemble-transfer models: the starter model, with a factor added)
    const starter = JSON.parse(readFileSync(new URL("../models/ect-starter.json", import.meta.url), "utf8"));
    starter.elements.Na.densityScale = { H: 0.3 };
    const tables = buildEctTables(parseEctModel(starter, "ect-starter.json"));
    const calc = await EctCalculator.create(tables);
    const nah = new Atoms({ symbols: ["Na", "H"], positions: [0, 0, 0, 0, 0, 1.9] });
    const w = calc.calculate(nah).weights;
    expect(() => freezeEct(tables, nah, w)).toThrow(/scales the density H puts on Na .*eam\/alloy cannot express/);
    const nacl = new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, 0, 0, 2.4] });
    expect(() => freezeEct(tables, nacl, calc.calculate(nacl).weights)).not.toThrow();
  });

  it("a fit's model restricted to a frame's elements keeps only their factors (and parses)", () => {
    const sub = restrictModel(json({ Na: { H: 0.3, Cl: 0.8 } }), ["Na", "Cl"]);
    expect(sub.elements.Na.densityScale).toEqual({ Cl: 0.8 });
    expect(parseEctModel(sub, "restricted").elements.find((e) => e.symbol === "Na")?.densityScale).toEqual({ Cl: 0.8 });
  });
});
