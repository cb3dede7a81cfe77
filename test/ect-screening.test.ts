/**
 * Screened bond couplings (model key "screening", src/ect/transfer/screening.ts): a pair with
 * nothing between its atoms keeps its coupling, the first shell of rock salt screens every longer
 * pair, and forces and stress stay -dE/dR with the three-body terms of partially screened bonds.
 * The model is the hand-set bond-transfer fixture; the properties hold for any parameters.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { rocksalt } from "../src/structures/lattice.js";
import { forceError, stressTraceCheck } from "./helpers/ect-finite-diff.js";
import { calculatorOf } from "./helpers/ect-tables.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
type Edit = (m: Record<string, any>) => void;
const calcFor = (...edits: Edit[]) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  for (const e of edits) e(m);
  return calculatorOf(m, "ect-bond-test.json");
};
const screened = (cmin: number, cmax: number): Edit => (m) => (m.screening = { cmin, cmax });
const ewald: Edit = (m) => (m.electrostatics = { longRange: "ewald", cutoff: 9, ewaldAccuracy: 1e-8 });

/** Screening factors of the bonds with a coupling inside their cutoff. */
function factors(calc: EctCalculator): number[] {
  const b = calc.engine.bond!.bonds!;
  const out: number[] = [];
  for (let k = 0; k < b.count; k++) if (b.r[k] < 5.5) out.push(b.screen[k]);
  return out;
}

const rattled = (cation: string, anion: string, a: number, amp: number) => {
  const base = rocksalt(cation, anion, a, 1);
  const p = Float64Array.from(base.positions, (v, k) => v + amp * Math.sin(3.1 * k + 1));
  return new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
};

describe("screened bond couplings", () => {
  it("a dimer is not screened: Omega, charges and forces equal the unscreened model's", async () => {
    const plain = await calcFor(), scr = await calcFor(screened(2, 2.8));
    for (const r of [1.6, 2.4, 4.0, 7.5]) {
      const atoms = new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, 0.1, -0.2, r] });
      const a = plain.calculate(atoms), b = scr.calculate(atoms);
      expect(b.grandPotential).toBe(a.grandPotential);
      expect(Array.from(b.charges)).toEqual(Array.from(a.charges));
      expect(Array.from(b.forces)).toEqual(Array.from(a.forces));
    }
  });

  it("in perfect rock salt the first shell screens every longer pair, at any lattice constant", async () => {
    const calc = await calcFor(ewald, screened(2, 2.8));
    for (const a of [4.0, 5.64, 6.5]) {
      calc.calculate(rocksalt("Na", "Cl", a, 1));
      const b = calc.engine.bond!.bonds!;
      let live = 0, first = 0;
      for (let k = 0; k < b.count; k++) {
        if (b.fwdOn[k] || b.revOn[k]) live++;
        if (Math.abs(b.r[k] - a / 2) < 1e-9) {
          first++;
          expect(b.screen[k]).toBe(1);
        } else expect(b.screen[k]).toBe(0);
      }
      // 8 atoms, 6 unlike nearest neighbours each, every pair once.
      expect(first).toBe(24);
      expect(live).toBe(24);
    }
  });

  it("screening.pairs limits it to the listed pairs; an unknown pair is an error", async () => {
    const calc = await calcFor(ewald, (m) => (m.screening = { cmin: 2, cmax: 2.8, pairs: ["Li-F"] }));
    calc.calculate(rocksalt("Na", "Cl", 5.64, 1));
    const b = calc.engine.bond!.bonds!;
    for (let k = 0; k < b.count; k++) if (b.h[k] !== 0) expect(b.screen[k]).toBe(1);
    expect(() => calcFor((m) => (m.screening = { cmin: 2, cmax: 2.8, pairs: ["Li-Na"] }))).toThrow(/screening.pairs\[0\].*not a resonance pair/);
    expect(() => calcFor((m) => (m.screening = { cmin: 2, cmax: 2.8, pairs: ["NaCl"] }))).toThrow(/screening.pairs\[0\].*element symbols/);
  });

  it("forces are -dE/dR in a cluster with partially screened bonds (three-body terms)", async () => {
    const calc = await calcFor(screened(0.6, 2.8));
    const atoms = new Atoms({ symbols: ["Na", "Cl", "Li", "F", "Na"], positions: [0, 0, 0, 2.5, 0.3, 0, 0.2, 3.1, 0.5, 2.6, 3.0, -0.4, 1.3, 1.9, 1.6] });
    calc.calculate(atoms);
    const s = factors(calc);
    expect(s.some((v) => v > 0 && v < 1)).toBe(true);
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });

  it("forces and stress are exact in a rattled periodic cell with partial screening (Ewald)", async () => {
    const calc = await calcFor(ewald, screened(0.8, 2.8));
    const atoms = rattled("Na", "Cl", 5.4, 0.25);
    calc.calculate(atoms);
    expect(factors(calc).some((v) => v > 0 && v < 1)).toBe(true);
    expect(forceError(calc, atoms)).toBeLessThan(5e-5);
    const { traceTimesVolume, dEds } = stressTraceCheck(calc, atoms);
    expect(Math.abs(traceTimesVolume - dEds)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dEds)));
  });
});
