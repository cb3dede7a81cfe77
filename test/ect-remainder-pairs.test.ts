/**
 * Per-element-pair Coulomb-remainder cutoffs (`cutoffs.coulombShortRangePairs`): a longer reach for
 * the pairs whose diffuse densities need it (the fitted model's hydride), paid only by structures
 * that contain those elements. Checked here: the model file's errors, the tables' tapers, that a
 * structure without the pair's elements is unchanged bit for bit (and keeps its shorter neighbour
 * lists), forces and stress against central differences where the remainder reaches beyond the DSF
 * cutoff (one atom of each element here, every coordinate in test/verify/ect-remainder-pairs.test.ts),
 * and an engine switching between structures that need different reaches.
 * Hand-set fixture (test/fixtures/ect-bond-test.json: remainder 8 A, taper 1 A), not the fitted model.
 */
import { describe, expect, it } from "vitest";
import { parseEctModel } from "../src/ect/model.js";
import { buildEctTables } from "../src/ect/tables.js";
import { splineEval } from "../src/potentials/spline.js";
import { forceError, stressTraceCheck } from "./helpers/ect-finite-diff.js";
import { calcFor, json, LONG, rattled } from "./helpers/ect-remainder.js";

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
    // one Li and one H atom here (12 of the 48 evaluations, each about 0.25 s of CPU with the 13 A
    // lists); every coordinate, with the same band, in test/verify/ect-remainder-pairs.test.ts
    expect(forceError(calc, atoms, 1e-4, [0, 1, 2, 12, 13, 14])).toBeLessThan(5e-5);
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
