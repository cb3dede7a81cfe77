// The NVE energy check of the ECT-EAM cluster tests (test/ect-physics.test.ts, test/ect-resonance.test.ts).
import type { Atoms } from "../../src/atoms.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import type { EctEngine } from "../../src/ect/engine.js";

/**
 * Loads `atoms` into `e` with Maxwell-Boltzmann velocities of 300 K (seed 3) and runs velocity
 * Verlet for `fs` femtoseconds in steps of `dt`; returns the largest |Omega + KE - start| (eV).
 * `each` runs after every step.
 */
export function worstExcursion(e: EctEngine, atoms: Atoms, fs: number, dt: number, each?: () => void): number {
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 3);
  e.setAtoms(atoms);
  e.compute();
  const start = e.grandPotential() + e.kineticEnergy();
  let worst = 0;
  e.runVerlet(Math.round(fs / dt), dt, () => {
    each?.();
    worst = Math.max(worst, Math.abs(e.grandPotential() + e.kineticEnergy() - start));
  });
  return worst;
}
