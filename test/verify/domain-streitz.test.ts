// Streitz-Mintmire over spatial domains, the longer comparisons with the single engine (the quick
// ones: test/domain-streitz.test.ts): 3 domains (a domain with neighbors on both faces), the
// default tolerance, where a warm-started CG runs 30-45 loops on a residual 1e-5 of |b| and
// round-off of its start steers where inside the tolerance it stops (the domains' charges then
// differ from the engine's by less than the engine's own distance from the converged charges),
// Ewald in lammps mode (structure factors summed over the domains) and consistent mode. The
// workers run dist/domain-worker.js (npm run build first).
import { afterAll, describe, expect, it } from "vitest";
import { alumina, closeAll, converged, DT, engine, expectDomainsMatchEngine, EWALD, maxAbs, maxAbsDiff, single, start, TIGHT } from "../helpers/domain-streitz.js";

afterAll(closeAll);

describe("Streitz-Mintmire on spatial domains: 3 domains, default tolerance, Ewald, consistent mode", { timeout: 120_000 }, () => {
  // 2500 K at 1 fs with a 0.3 A skin: the lists are rebuilt at step 4, and atoms of the planes on the slab faces cross them.
  const atoms = alumina(2500, 5);
  const steps = 6;

  it(`alumina, 2160 atoms, 3 domains: static results, then ${steps} steps with migrations`, () => expectDomainsMatchEngine(atoms, 3, steps));

  it("default tolerance 1e-6, 2 domains, 6 steps: charges as close to the single engine's as those are to the converged ones", async () => {
    const md = await start(atoms, 2, "lammps", 1e-6);
    await md.run(steps);
    const st = await md.state();
    const ref = await single(atoms, steps, "lammps", 1e-6);
    const exact = await converged(atoms, ref.positions);
    const own = maxAbsDiff(ref.charges, exact);
    expect(own).toBeGreaterThan(1e-7);
    expect(maxAbsDiff(st.charges!, ref.charges)).toBeLessThan(own);
    // (the trajectories part at the level of those charge differences: 1e-7 A in 6 to 12 steps of 1 fs)
  });

  it("Ewald (lammps mode), 2 domains: static results and 4 steps, structure factors summed over the domains", async () => {
    const md = await start(atoms, 2, "lammps", TIGHT, { summation: "ewald", ewaldG: EWALD.g, kmax: EWALD.kmax });
        const e = await engine("lammps", TIGHT, atoms, true);
    e.mdQeqPreconditioner = "jacobi";
    e.runVerlet(0, DT);
    const st0 = await md.state();
    expect(Math.abs(st0.energy - e.energy()) / Math.abs(e.energy())).toBeLessThan(1e-12);
    expect(maxAbsDiff(st0.charges!, e.charges())).toBeLessThan(1e-9);
    expect(maxAbsDiff(st0.forces, e.forces())).toBeLessThan(1e-8);
    expect(maxAbsDiff(st0.virial, e.virial())).toBeLessThan(1e-12 * maxAbs(e.virial()) * Math.sqrt(atoms.length));
    await md.run(4);
    e.runVerlet(4, DT);
    const st = await md.state();
    // (after the steps the CG's stopping residual, 1e-10 of |b|, shows: energy 1e-12 relative, forces 1.1e-8 eV/A, as measured)
    expect(Math.abs(st.energy - e.energy()) / Math.abs(e.energy())).toBeLessThan(1e-11);
    expect(maxAbsDiff(st.charges!, e.charges())).toBeLessThan(1e-8);
    expect(maxAbsDiff(st.forces, e.forces())).toBeLessThan(1e-7);
  });

  it("consistent mode, 2 domains: charges, energy and forces of the single engine", async () => {
    const md = await start(atoms, 2, "consistent");
    const ref = await single(atoms, 0, "consistent");
    const st = await md.state();
    expect(Math.abs(st.energy - ref.energy) / Math.abs(ref.energy)).toBeLessThan(1e-12);
    expect(maxAbsDiff(st.charges!, ref.charges)).toBeLessThan(1e-10);
    expect(maxAbsDiff(st.forces, ref.forces)).toBeLessThan(1e-8);
  });
});
