/**
 * The Olson-Smith-Bauer ionic-covalent coupling (`"form": "olson-smith-bauer"` in a resonance entry):
 * R. E. Olson, F. T. Smith and E. Bauer, Appl. Opt. 10, 1848 (1971),
 *   H12 / sqrt(I A) = 1.044 R* exp(-0.857 R*),  R* = R (sqrt(2 I) + sqrt(2 A)) / 2  (atomic units),
 * with I the donor's ionization energy and A the acceptor's electron affinity. The expected values
 * here are computed from that formula in this file (CODATA hartree and bohr), independently of
 * src/ect/forms.ts. Also checked: I and A come from the elements' state energies, the file errors,
 * and a molecule with such a coupling transfers charge and dissociates to neutral atoms.
 * Hand-set fixture (test/fixtures/ect-bond-test.json), not the fitted model.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { resonanceFunction } from "../src/ect/forms.js";
import { parseEctModel } from "../src/ect/model.js";
import { bondTables, buildEctTables } from "../src/ect/tables.js";

const FIXTURE = new URL("./fixtures/ect-bond-test.json", import.meta.url);
const HARTREE = 27.211386245988; // eV
const BOHR = 0.529177210903; // A

/** The published formula, in eV, for I and A in eV and R in A. */
function osb(i: number, a: number, r: number): number {
  const [ih, ah, rb] = [i / HARTREE, a / HARTREE, r / BOHR];
  const rs = (rb * (Math.sqrt(2 * ih) + Math.sqrt(2 * ah))) / 2;
  return -Math.sqrt(ih * ah) * 1.044 * rs * Math.exp(-0.857 * rs) * HARTREE;
}

/** The fixture with extra resonance entries. */
const json = (extra: Record<string, unknown>) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  m.resonance = { ...m.resonance, ...extra };
  return m;
};

describe("Olson-Smith-Bauer coupling", () => {
  it("reads I from the donor's cation and A from the acceptor's anion, and follows the published formula", () => {
    const m = parseEctModel(json({ "F-Na": { form: "olson-smith-bauer", donor: "Na", cutoff: 10 } }), "m.json");
    const entry = m.resonance.find((r) => r.key === "F-Na")!;
    expect(entry.form).toBe("olson-smith-bauer");
    if (entry.form !== "olson-smith-bauer") return;
    // fixture state energies: Na+ 5.139 eV, F- -3.401 eV (NIST IP and EA)
    expect(entry.ionization).toBeCloseTo(5.139, 12);
    expect(entry.affinity).toBeCloseTo(3.401, 12);
    expect(entry.scale).toBe(1);
    const h = resonanceFunction(entry);
    for (const r of [1.5, 1.93, 2.5, 4, 8.3, 12]) {
      expect(h.value(r)).toBeCloseTo(osb(5.139, 3.401, r), 12);
      const d = (h.value(r + 1e-5) - h.value(r - 1e-5)) / 2e-5;
      expect(h.derivative(r)).toBeCloseTo(d, 8);
    }
    // the coupling's maximum magnitude lies at R* = 1/0.857 bohr-equivalents, about 1.2 A here
    const rMax = BOHR / 0.857 / ((Math.sqrt((2 * 5.139) / HARTREE) + Math.sqrt((2 * 3.401) / HARTREE)) / 2);
    expect(Math.abs(h.derivative(rMax))).toBeLessThan(1e-12);
    // a scale multiplies it
    const half = parseEctModel(json({ "Na-F": { form: "olson-smith-bauer", donor: "Na", scale: 0.5 } }), "m.json").resonance.find((r) => r.key === "Na-F")!;
    expect(resonanceFunction(half).value(3)).toBeCloseTo(0.5 * osb(5.139, 3.401, 3), 12);
  });

  it("is tabulated with the pair's transfer cutoff and donor direction", () => {
    const m = parseEctModel(json({ "Na-F": { form: "olson-smith-bauer", donor: "Na", cutoff: 10 } }), "m.json");
    const t = bondTables(m);
    const [Na, F] = [m.elements.findIndex((e) => e.symbol === "Na"), m.elements.findIndex((e) => e.symbol === "F")];
    expect(t.cutoff[Na][F]).toBe(10);
    expect(t.channel[Na][F]).toBe(true);
    expect(t.channel[F][Na]).toBe(false);
    // below cutoff - taper the table is the formula itself (the fixture's taper width is 1 A)
    expect(t.coupling[Na][F].value(4)).toBeCloseTo(osb(5.139, 3.401, 4), 12);
    expect(t.coupling[F][Na].value(10)).toBe(0);
  });

  it("rejects what it cannot read", () => {
    const bad = (entry: Record<string, unknown>) => () => parseEctModel(json({ "Na-F": entry }), "m.json");
    expect(bad({ form: "olson-smith-bauer" })).toThrow(/resonance\.Na-F\.donor: missing required field/);
    expect(bad({ form: "olson-smith-bauer", donor: "Na", h0: 3 })).toThrow(/resonance\.Na-F\.h0: unknown key/);
    expect(bad({ form: "olson-smith-bauer", donor: "Cl" })).toThrow(/resonance\.Na-F\.donor/);
    expect(bad({ form: "slater-koster", donor: "Na" })).toThrow(/resonance\.Na-F\.form/);
    // the acceptor needs an anion state: a fluorine without one
    const m = json({ "Na-F": { form: "olson-smith-bauer", donor: "Na" } });
    m.elements.F.states = m.elements.F.states.filter((s: { name: string }) => s.name !== "F-");
    expect(() => parseEctModel(m, "m.json")).toThrow(/resonance\.Na-F\.form: the Olson-Smith-Bauer coupling needs the anion of F/);
    // ensemble transfer has one mean-field coupling per pair and no donor
    const ens = json({});
    ens.transfer = "ensemble";
    ens.electronicTemperature = 0.1;
    ens.resonance = { "Na-F": { form: "olson-smith-bauer", donor: "Na" } };
    expect(() => parseEctModel(ens, "m.json")).toThrow(/resonance\.Na-F/);
  });

  it("lets a pair without a fitted coupling transfer charge, and dissociate to neutral atoms", async () => {
    const with_ = await EctCalculator.create(buildEctTables(parseEctModel(json({ "Na-F": { form: "olson-smith-bauer", donor: "Na", cutoff: 10 } }), "m.json")));
    const without = await EctCalculator.create(buildEctTables(parseEctModel(json({}), "m.json")));
    const dimer = (r: number) => new Atoms({ symbols: ["Na", "F"], positions: [0, 0, 0, 0, 0, r] });
    const q = with_.calculate(dimer(2)).charges;
    expect(q[0]).toBeGreaterThan(0.5); // Na gives its electron to F
    expect(q[0] + q[1]).toBeCloseTo(0, 12);
    expect(Math.abs(without.calculate(dimer(2)).charges[0])).toBeLessThan(1e-12); // no coupling: no transfer
    const far = with_.calculate(dimer(20));
    expect(Math.abs(far.charges[0])).toBeLessThan(1e-6);
  });
});
