import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { localEvaluator } from "../src/fit/evaluator.js";
import { DEBYE_PER_E_A, diatomicProperties } from "../src/fit/diatomic.js";
import { BANDS, type ReferenceMolecule } from "../src/fit/report.js";

// The shipped fitted model against the equilibrium properties of the QM curves it was fitted to
// (datasets/qm/equilibrium.json, from the curves' splines; issue 4's acceptance bands).
const modelText = readFileSync(new URL("../models/ect-fitted.json", import.meta.url), "utf8");
const references = (JSON.parse(readFileSync(new URL("../datasets/qm/equilibrium.json", import.meta.url), "utf8")) as { molecules: Record<string, ReferenceMolecule> }).molecules;

describe("models/ect-fitted.json meets the equilibrium targets of every training diatomic", () => {
  const evaluator = localEvaluator();
  for (const name of ["H2", "LiH", "HF", "LiF", "NaCl"]) {
    it(name, async () => {
      const ref = references[name];
      const p = await diatomicProperties(evaluator, modelText, ref.elements[0], ref.elements[1], ref.Re);
      expect(Math.abs(p.Re - ref.Re), `R_e ${p.Re} vs ${ref.Re} A`).toBeLessThanOrEqual(BANDS.Re);
      expect(Math.abs(p.De - ref.De), `D_e ${p.De} vs ${ref.De} eV`).toBeLessThanOrEqual(BANDS.De);
      const refDipole = ref.dipoleDebye / DEBYE_PER_E_A;
      if (refDipole === 0) expect(p.dipole, "dipole of a homonuclear dimer").toBeLessThan(1e-6);
      else expect(Math.abs(p.dipole - refDipole) / refDipole, `dipole ${p.dipole} vs ${refDipole} e*A`).toBeLessThanOrEqual(BANDS.dipoleRelative);
      expect(p.farCharge, "largest |q| at 20 A").toBeLessThan(BANDS.farCharge);
    });
  }
});
