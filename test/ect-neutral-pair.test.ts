/**
 * Pair functions of one configuration only (`"states": "neutral"` or `"anion"` on a `pairs` entry):
 * the energy is w_i0 w_j0 phi(r) or w_i- w_j- phi(r). Two anions feel none of a neutral pair and
 * all of an anion pair, two neutral atoms the opposite; a pair's value may list several functions;
 * forces stay -dE/dR, and the model file says clearly when the option cannot apply. Hand-set
 * fixture (test/fixtures/ect-bond-test.json) with an H-H Morse bond.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { parseEctModel } from "../src/ect/model.js";
import { forceError } from "./helpers/ect-finite-diff.js";
import { calculatorOf } from "./helpers/ect-tables.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
const MORSE = { form: "morse", D: 4.7, alpha: 1.9, r0: 0.74 };
const json = (states: "all" | "neutral", edit?: (m: Record<string, any>) => void) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  m.pairs["H-H"] = { ...MORSE, states };
  edit?.(m);
  return m;
};
const calcFor = (m: Record<string, any>, charge = 0) => {
  m.totalCharge = charge;
  return calculatorOf(m, "ect-bond-test.json");
};
const morse = (r: number) => MORSE.D * ((1 - Math.exp(-MORSE.alpha * (r - MORSE.r0))) ** 2 - 1);
const h2 = (r: number) => new Atoms({ symbols: ["H", "H"], positions: [0, 0, 0, 0.1, 0.05, r] });
const distance = (r: number) => Math.hypot(0.1, 0.05, r);

/**
 * Two H- ions (charge -2) at three distances: both stay anions, and Omega with a pair term minus
 * Omega without it is that term at the H-H distance (the taper is 1 this far inside the 6 A pair cutoff).
 */
async function expectAnionPairTerm(withTerm: EctCalculator, without: EctCalculator, term: (r: number) => number) {
  for (const r of [0.9, 1.4, 2.5]) {
    const a = withTerm.calculate(h2(r)), n = without.calculate(h2(r));
    expect(Array.from(a.charges)).toEqual([-1, -1]);
    expect(a.grandPotential - n.grandPotential).toBeCloseTo(term(distance(r)), 9);
  }
}

describe("pairs of the neutral configuration only", () => {
  it("two H- ions (charge -2) feel none of the H-H bond; with states all they feel all of it", async () => {
    await expectAnionPairTerm(await calcFor(json("all"), -2), await calcFor(json("neutral"), -2), morse);
  });

  it("two neutral H atoms without a transfer channel feel all of it", async () => {
    const noChannel = (m: Record<string, any>) => delete m.resonance["H-H"];
    const all = await calcFor(json("all", noChannel)), neutral = await calcFor(json("neutral", noChannel));
    for (const r of [0.74, 1.1, 2.0]) {
      expect(neutral.calculate(h2(r)).grandPotential).toBeCloseTo(all.calculate(h2(r)).grandPotential, 10);
    }
  });

  it("forces are -dE/dR with partial weights (H2 next to LiH, all channels open)", async () => {
    const calc = await calcFor(json("neutral"));
    const atoms = new Atoms({ symbols: ["H", "H", "Li", "H"], positions: [0, 0, 0, 0.05, 0.1, 0.8, 2.1, 0.3, 0.2, 2.4, -0.2, 1.7] });
    const res = calc.calculate(atoms);
    const w = res.weights; // the H2 atoms are partly ionic: the pair is weighted, not on or off
    expect(w[1]).toBeGreaterThan(0.01);
    expect(w[1]).toBeLessThan(0.99);
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });

  it("the model file names what is wrong", () => {
    expect(() => parseEctModel(json("neutral", (m) => (m.pairs["H-H"].states = "cation")), "m.json")).toThrow(/pairs\.H-H\.states/);
    expect(() => parseEctModel(json("neutral", (m) => (m.cutoffs.pair = 9)), "m.json")).toThrow(/coulombShortRange/);
    expect(() => parseEctModel(json("neutral", (m) => (m.pairs["H-H"] = [])), "m.json")).toThrow(/pairs\.H-H: expected a pair spec or a non-empty list/);
    expect(() => parseEctModel(json("neutral", (m) => (m.pairs["H-H"] = [m.pairs["H-H"], { ...REPULSION, rho: -1 }])), "m.json")).toThrow(/pairs\.H-H\[1\]\.rho/);
  });
});

// An overlap repulsion of two H- ions beside the neutral-only Morse bond (the form the shipped
// model gives H-H).
const REPULSION = { form: "born-mayer", A: 30, rho: 0.5, states: "anion" };
const withRepulsion = (m: Record<string, any>) => (m.pairs["H-H"] = [m.pairs["H-H"], REPULSION]);
const repulsion = (r: number) => REPULSION.A * Math.exp(-r / REPULSION.rho);

describe("pairs of the anionic configuration only, and lists of pair functions", () => {
  it("two H- ions (charge -2) feel all of the anion pair and none of the neutral bond", async () => {
    await expectAnionPairTerm(await calcFor(json("neutral", withRepulsion), -2), await calcFor(json("neutral"), -2), repulsion);
  });

  it("two neutral H atoms without a transfer channel feel none of it", async () => {
    const noChannel = (m: Record<string, any>) => delete m.resonance["H-H"];
    const both = await calcFor(json("neutral", (m) => (noChannel(m), withRepulsion(m)))), neutral = await calcFor(json("neutral", noChannel));
    for (const r of [0.74, 1.1, 2.0]) {
      expect(both.calculate(h2(r)).grandPotential).toBeCloseTo(neutral.calculate(h2(r)).grandPotential, 10);
    }
  });

  it("forces are -dE/dR with partial weights (H2 next to LiH, all channels open)", async () => {
    const calc = await calcFor(json("neutral", withRepulsion));
    const atoms = new Atoms({ symbols: ["H", "H", "Li", "H"], positions: [0, 0, 0, 0.05, 0.1, 1.3, 2.1, 0.3, 0.2, 2.4, -0.2, 1.7] });
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });
});
