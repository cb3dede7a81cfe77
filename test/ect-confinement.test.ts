/**
 * Confined polarizabilities (an element's `confinement`): alpha_i = sum_M w_iM alpha_AM / (1 + gamma n_i)
 * with n_i = sum_j exp(-(r_ij / R_A)^2), tapered at the polarization cutoff. Checked here: the induction
 * energy of a dimer against the formula at the solved weights, the limits (no confinement, a
 * vanishing radius), forces and stress against central differences, and the model file's errors.
 * Hand-set fixture (test/fixtures/ect-bond-test.json), not the fitted model.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { MAX_STATES } from "../src/ect/model-types.js";
import { parseEctModel } from "../src/ect/model.js";
import { rocksalt } from "../src/structures/lattice.js";
import { forceError, stressTraceCheck } from "./helpers/ect-finite-diff.js";
import { calculatorOf } from "./helpers/ect-tables.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
const K = 14.399645; // eV A / e^2
const ALPHA: Record<string, number[]> = { H: [0, 0.67, 3], Li: [0.03, 1, 1], Na: [0.15, 5, 5], Cl: [1.5, 2.2, 4.4] };
const DAMPING = 0.4;
const json = (confine: Record<string, { strength: number; radius: number }> = {}) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  m.polarization = { cutoff: 8 };
  for (const el of Object.keys(m.elements)) {
    m.elements[el].dampingRadius = DAMPING;
    m.elements[el].states.forEach((st: Record<string, unknown>, k: number) => (st.polarizability = ALPHA[el]?.[k] ?? 0.5));
    if (confine[el]) m.elements[el].confinement = confine[el];
  }
  return m;
};
const calcFor = (m: Record<string, any>) => calculatorOf(m, "ect-bond-test.json");

describe("confined polarizabilities", () => {
  it("a dimer's induction energy is -1/2 k sum_i alpha_i c_i |E_i|^2 at the solved weights", async () => {
    const confine = { H: { strength: 2.5, radius: 1.8 } };
    const calc = await calcFor(json(confine));
    const R = 1.7;
    const res = calc.calculate(new Atoms({ symbols: ["Li", "H"], positions: [0, 0, 0, 0, 0, R] }));
    const induction = calc.engine.energyTerms().induction;
    // independent evaluation: damped field of the other ion's charge, s = 1 - (1 + x + x^2/2) e^-x
    const x = R / (2 * DAMPING), s = 1 - (1 + x + 0.5 * x * x) * Math.exp(-x);
    const alphaOf = (i: number, el: string) => ALPHA[el].reduce((a, al, m) => a + al * res.weights[i * MAX_STATES + m], 0);
    const cH = 1 / (1 + 2.5 * Math.exp(-((R / 1.8) ** 2)));
    const field = (q: number) => (q * s) / (R * R);
    const expected = -0.5 * K * (alphaOf(0, "Li") * field(res.charges[1]) ** 2 + cH * alphaOf(1, "H") * field(res.charges[0]) ** 2);
    expect(Math.abs(induction)).toBeGreaterThan(0.01);
    expect(induction).toBeCloseTo(expected, 10);
  });

  it("a vanishing radius is no confinement", async () => {
    const atoms = new Atoms({ symbols: ["Li", "H", "Na", "Cl"], positions: [0, 0, 0, 0.2, 0.1, 1.7, 2.4, 0.3, -0.5, 2.6, 2.8, 0.4] });
    const plain = (await calcFor(json())).calculate(atoms).grandPotential;
    const tiny = (await calcFor(json({ H: { strength: 5, radius: 0.01 }, Cl: { strength: 5, radius: 0.01 } }))).calculate(atoms).grandPotential;
    expect(tiny).toBeCloseTo(plain, 10);
  });

  it("forces are -dE/dR with confinement (cluster)", async () => {
    const calc = await calcFor(json({ H: { strength: 2.5, radius: 1.8 }, Cl: { strength: 1.5, radius: 2.5 } }));
    const atoms = new Atoms({ symbols: ["Li", "H", "Na", "Cl", "H"], positions: [0, 0, 0, 0.2, 0.1, 1.7, 2.4, 0.3, -0.5, 2.6, 2.8, 0.4, -1.2, 1.4, 1.1] });
    calc.calculate(atoms);
    expect(Math.abs(calc.engine.energyTerms().induction)).toBeGreaterThan(0.05);
    expect(forceError(calc, atoms)).toBeLessThan(2e-5);
  });

  it("forces and stress are exact in a rattled periodic crystal (DSF)", async () => {
    const m = json({ Cl: { strength: 1.5, radius: 3 } });
    m.electrostatics = { longRange: "dsf", cutoff: 9, dsfAlpha: 0.28 };
    const calc = await calcFor(m);
    const base = rocksalt("Na", "Cl", 5.4, 1);
    const p = Float64Array.from(base.positions);
    for (let k = 0; k < p.length; k++) p[k] += 0.2 * Math.sin(3.1 * k + 1);
    const atoms = new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
    calc.calculate(atoms);
    expect(Math.abs(calc.engine.energyTerms().induction)).toBeGreaterThan(2e-3);
    expect(forceError(calc, atoms)).toBeLessThan(5e-5);
    const { traceTimesVolume, dEds } = stressTraceCheck(calc, atoms);
    expect(Math.abs(traceTimesVolume - dEds)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dEds)));
  });

  it("the model file: confinement needs polarization, a positive strength and radius, no other keys", () => {
    const bad = (edit: (m: Record<string, any>) => void) => {
      const m = json();
      edit(m);
      return () => parseEctModel(m, "ect-bond-test.json");
    };
    expect(bad((m) => (delete m.polarization, (m.elements.H.confinement = { strength: 1, radius: 2 })))).toThrow(/elements\.H\.confinement.*needs the model's "polarization"/);
    expect(bad((m) => (m.elements.H.confinement = { strength: -1, radius: 2 }))).toThrow(/elements\.H\.confinement\.strength: expected a number > 0/);
    expect(bad((m) => (m.elements.H.confinement = { strength: 1 }))).toThrow(/elements\.H\.confinement\.radius: missing required field/);
    expect(bad((m) => (m.elements.H.confinement = { strength: 1, radius: 2, range: 3 }))).toThrow(/unknown key 'range'/);
  });
});
