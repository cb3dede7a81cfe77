// Shadow steps (one kernel evaluation per MD step) on the shipped model beside the exactly solved
// trajectory over 60 fs, 64-atom NaCl at 300 K (npm run verify; moved here from
// test/ect-xl-shadow.test.ts to keep npm test fast: the exact run solves to the tolerance at every
// step). Bands as there: energy 1e-6 eV/atom, forces 1e-3 eV/A.
import { describe, expect, it } from "vitest";
import { BOND_XL_DEFAULTS, type BondXlOptions } from "../../src/ect/transfer/bond-transfer.js";
import { fittedNaCl } from "../helpers/fitted-md.js";

const SHADOW: BondXlOptions = { ...BOND_XL_DEFAULTS, method: "shadow" };

describe("shadow steps on the shipped model (models/ect-fitted.json, 64-atom NaCl)", () => {
  it("follows the exactly solved trajectory: energies and forces along 60 fs", async () => {
    const shadow = await fittedNaCl(SHADOW), exact = await fittedNaCl(null);
    const n = shadow.atoms.length;
    let worstE = 0, worstF = 0, evaluations = 0;
    for (let block = 0; block < 6; block++) {
      evaluations += shadow.engine.runVerlet(10, 1.0).iterations;
      exact.engine.runVerlet(10, 1.0);
      worstE = Math.max(worstE, Math.abs(shadow.engine.grandPotential() - exact.engine.grandPotential()) / n);
      const f = shadow.engine.forces(), g = exact.engine.forces();
      for (let k = 0; k < f.length; k++) worstF = Math.max(worstF, Math.abs(f[k] - g[k]));
    }
    console.log(`fitted NaCl, shadow against exact over 60 fs: E ${worstE.toExponential(2)} eV/atom, F ${worstF.toExponential(2)} eV/A, evaluations ${evaluations}`);
    expect(worstE).toBeLessThan(1e-6);
    expect(worstF).toBeLessThan(1e-3);
    expect(shadow.engine.solverReport().iterations).toBe(1);
  }, 600_000);
});
