/**
 * Per-element-pair Coulomb-remainder cutoffs (`cutoffs.coulombShortRangePairs`): a longer reach for
 * the pairs whose diffuse densities need it (the fitted model's hydride), paid only by structures
 * that contain those elements. Checked here: the model file's errors, the tables' tapers, that a
 * structure without the pair's elements is unchanged bit for bit (and keeps its shorter neighbour
 * lists), forces and stress against central differences where the remainder reaches beyond the DSF
 * cutoff, and an engine switching between structures that need different reaches.
 * Hand-set fixture (test/fixtures/ect-bond-test.json: remainder 8 A, taper 1 A), not the fitted model.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { parseEctModel } from "../src/ect/model.js";
import { buildEctTables } from "../src/ect/tables.js";
import { splineEval } from "../src/potentials/spline.js";
import { rocksalt } from "../src/structures/lattice.js";
import { forceError, stressTraceCheck } from "./helpers/ect-finite-diff.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
/** The fixture with DSF (9 A) and, when given, per-pair remainder cutoffs. */
const json = (pairs?: Record<string, number>) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  m.electrostatics = { longRange: "dsf", cutoff: 9, dsfAlpha: 0.28 };
  if (pairs) m.cutoffs.coulombShortRangePairs = pairs;
  return m;
};
const calcFor = (m: Record<string, any>) => EctCalculator.create(buildEctTables(parseEctModel(m, "ect-bond-test.json")));
/** A rock-salt cell (8 atoms) with every coordinate displaced by up to 0.15 A. */
const rattled = (cation: string, anion: string, a: number) => {
  const base = rocksalt(cation, anion, a, 1);
  const p = Float64Array.from(base.positions);
  for (let k = 0; k < p.length; k++) p[k] += 0.15 * Math.sin(2.3 * k + 0.7);
  return new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
};
// 13 A: beyond the DSF cutoff (9 A), so the folded point-charge kernel ends inside the remainder
// tier, and beyond the fixture's bond reach (11 A), so the lists must reach further.
const LONG = { "H-H": 13 };

describe("per-element-pair Coulomb-remainder cutoffs", () => {
  it("the model file: a cutoff >= coulombShortRange per pair of chemical symbols, each pair once", () => {
    const bad = (pairs: Record<string, unknown>) => () => parseEctModel(json(pairs as Record<string, number>), "m.json");
    expect(bad({ "H-H": 7 })).toThrow(/cutoffs\.coulombShortRangePairs\.H-H: expected a cutoff >= cutoffs\.coulombShortRange = 8/);
    expect(bad({ "H-Xx": 9 })).toThrow(/cutoffs\.coulombShortRangePairs\.H-Xx: expected a key "A-B" of two chemical symbols/);
    expect(bad({ "Li-H": 9, "H-Li": 10 })).toThrow(/cutoffs\.coulombShortRangePairs\.H-Li: the pair is given twice/);
    expect(bad({ "H-H": "far" })).toThrow(/cutoffs\.coulombShortRangePairs\.H-H: expected a number/);
    // elements the model does not have are skipped (fits cut a model down to a dataset's elements)
    expect(parseEctModel(json({ "O-O": 12 }), "m.json").cutoffs.coulombShortRangePairs).toBeUndefined();
  });

  it("the tables taper each element pair's remainder at its own cutoff", () => {
    const m = parseEctModel(json(LONG), "m.json");
    const t = buildEctTables(m);
    const [H, Li] = [t.elements.indexOf("H"), t.elements.indexOf("Li")];
    const anion = (el: number) => t.states[el].findIndex((s) => s.charge === -1);
    expect(t.coulombCutoff[H][H]).toBe(13);
    expect(t.coulombCutoff[Li][H]).toBe(8);
    const hh = t.coulomb[H][anion(H)][H][anion(H)];
    const lih = t.coulomb[Li][anion(Li)][H][anion(H)];
    expect(splineEval(lih, 8 + 3 * t.dr)[0]).toBe(0);
    expect(Math.abs(splineEval(hh, 9)[0])).toBeGreaterThan(1e-7);
    expect(splineEval(hh, 13 + 3 * t.dr)[0]).toBe(0);
  });

  it("a structure without the pair's elements is unchanged, with the same neighbour lists", async () => {
    const atoms = rattled("Na", "Cl", 5.4);
    const plain = await calcFor(json());
    const long = await calcFor(json(LONG));
    const a = plain.calculate(atoms), b = long.calculate(atoms);
    // The same up to the solver's convergence: the longer radial grid changes the spline of the
    // tabulated DSF kernel in its last bits, and the charge solve then stops at another iterate.
    expect(Math.abs(b.grandPotential - a.grandPotential)).toBeLessThan(1e-8);
    for (let k = 0; k < a.forces.length; k++) expect(Math.abs(b.forces[k] - a.forces[k])).toBeLessThan(1e-6);
    expect(long.engine.neighborOrder().length).toBe(plain.engine.neighborOrder().length);
  });

  it("forces and stress are exact where the remainder reaches beyond the DSF cutoff", async () => {
    const atoms = rattled("Li", "H", 4.0);
    const plain = await calcFor(json());
    const calc = await calcFor(json(LONG));
    const e = calc.calculate(atoms).grandPotential;
    // the longer H-H tail is in the energy, and the lists reach further
    expect(Math.abs(e - plain.calculate(atoms).grandPotential)).toBeGreaterThan(1e-6);
    expect(calc.engine.neighborOrder().length).toBeGreaterThan(plain.engine.neighborOrder().length);
    expect(forceError(calc, atoms)).toBeLessThan(5e-5);
    const { traceTimesVolume, dEds } = stressTraceCheck(calc, atoms);
    expect(Math.abs(traceTimesVolume - dEds)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dEds)));
  });

  it("one engine switching between structures of different reach gives what fresh engines give", async () => {
    const nacl = rattled("Na", "Cl", 5.4), lih = rattled("Li", "H", 4.0);
    const reused = await calcFor(json(LONG));
    const sequence = [nacl, lih, nacl, lih].map((at) => reused.calculate(at).grandPotential);
    const fresh = await Promise.all([nacl, lih].map(async (at) => (await calcFor(json(LONG))).calculate(at).grandPotential));
    expect(sequence[0]).toBeCloseTo(fresh[0], 9);
    expect(sequence[2]).toBeCloseTo(fresh[0], 9);
    expect(sequence[1]).toBeCloseTo(fresh[1], 9);
    expect(sequence[3]).toBeCloseTo(fresh[1], 9);
  });
});
