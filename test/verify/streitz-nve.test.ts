// NVE of the Streitz-Mintmire engine over 40 fs (npm run verify; moved from
// test/streitz-engine.test.ts with the same bands): in consistent mode the energy error is small and
// scales as dt^2; LAMMPS mode drifts whatever dt. Tapered AlO.eam.alloy so that the EAM file's cutoff
// jumps do not dominate.
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { readExtxyzFile } from "../../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../../src/potentials/eam-file.js";
import { StreitzCalculator } from "../../src/streitz/calculator.js";
import { readStreitzFile } from "../../src/streitz/params-file.js";
import { FIX, POT } from "../helpers/streitz-fixtures.js";
import { taperedEam } from "../helpers/tapered-eam.js";

// Long runs: each test may take a minute on a loaded 2-core machine.
vi.setConfig({ testTimeout: 600_000 });

const smooth = taperedEam(readEamPotentialFile(join(POT, "AlO.eam.alloy")), 6.5);
const streitz = readStreitzFile(join(POT, "AlO.streitz"));

describe("Streitz-Mintmire NVE (Wolf)", () => {
  /** Largest |E_tot(t) - E_tot(0)| per atom over 40 fs of NVE at time step dt (fs), sampled every 1.6 fs. */
  async function nveError(mode: "lammps" | "consistent", dt: number): Promise<{ max: number; end: number }> {
    const atoms = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 7);
    const calc = await StreitzCalculator.create({ eam: smooth, streitz, summation: "wolf", mode, qeqTolerance: 1e-10 });
    calc.calculate(atoms);
    const e = calc.engine;
    const e0 = e.energy() + e.kineticEnergy();
    const every = Math.round(1.6 / dt);
    let max = 0;
    for (let s = 0; s < Math.round(40 / dt); s += every) {
      e.runVerlet(every, dt);
      max = Math.max(max, Math.abs(e.energy() + e.kineticEnergy() - e0));
    }
    return { max: max / atoms.length, end: (e.energy() + e.kineticEnergy() - e0) / atoms.length };
  }

  it("NVE (Wolf): the energy error is small and scales as dt^2; lammps mode drifts whatever dt", async () => {
    const coarse = await nveError("consistent", 0.8);
    const fine = await nveError("consistent", 0.4);
    // measured: 3.2e-5 and 8.1e-6 eV/atom (ratio 4.0)
    expect(fine.max).toBeLessThan(2e-5);
    expect(coarse.max / fine.max).toBeGreaterThan(3.5);
    expect(coarse.max / fine.max).toBeLessThan(4.6);
    const lammps = await nveError("lammps", 0.4);
    // measured: 4.4e-4 eV/atom gained in 40 fs, at dt 0.8, 0.4 and 0.2 alike
    expect(lammps.end).toBeGreaterThan(20 * fine.max);
  });
});
