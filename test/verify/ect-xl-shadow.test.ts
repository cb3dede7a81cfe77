// Shadow steps (one kernel evaluation per MD step) on the shipped model beside the exactly solved
// trajectory over 60 fs, 64-atom NaCl at 300 K (npm run verify; moved here from
// test/ect-xl-shadow.test.ts to keep npm test fast: the exact run solves to the tolerance at every
// step). Bands as there: energy 1e-6 eV/atom, forces 1e-3 eV/A. And (moved from there too) the
// spread of Omega + KE over 40 fs at dt 1 and 0.5 fs (130 steps).
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

describe("shadow steps on the shipped model (models/ect-fitted.json, 64-atom NaCl)", () => {
  it("Omega + KE fluctuates about 4 times less at half the time step (over the same 40 fs)", { timeout: 600_000 }, async () => {
    // (the spread of Omega + KE about its mean over 40 fs after 10 warm-up steps: Verlet's O(dt^2)
    // and the shadow energy's error, O(dt^2) too through w(q) - w(n))
    const spread = async (dt: number) => {
      const { engine, atoms } = await fittedNaCl(SHADOW);
      engine.runVerlet(10, dt);
      const e: number[] = [];
      for (let s = 0; s < Math.round(40 / dt); s++) {
        engine.runVerlet(1, dt);
        e.push((engine.grandPotential() + engine.kineticEnergy()) / atoms.length);
      }
      const mean = e.reduce((a, b) => a + b, 0) / e.length;
      return Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / e.length);
    };
    const s1 = await spread(1.0), s2 = await spread(0.5);
    console.log(`fitted NaCl, shadow: rms Omega + KE about its mean over 40 fs: dt 1 fs ${s1.toExponential(2)}, 0.5 fs ${s2.toExponential(2)} eV/atom (ratio ${(s1 / s2).toFixed(2)})`);
    expect(s1).toBeLessThan(1e-5);
    expect(s1 / s2).toBeGreaterThan(2.5);
  });
});
