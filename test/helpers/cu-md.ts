// The hot Cu crystal of the NVE tests (test/dynamics.test.ts, test/verify/nve.test.ts) and an EAM
// engine loaded with it, on the bundled Cu_u3.eam.
import type { Atoms } from "../../src/atoms.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { EamEngine, type EngineOptions } from "../../src/eam/engine.js";
import { bulk } from "../../src/structures/lattice.js";
import { bundledPotential } from "./compare.js";

/** fcc Cu n x n x n with Maxwell-Boltzmann velocities at `temperature` K from `seed`. */
export function hotCrystal(n: number, temperature: number, seed: number): Atoms {
  const atoms = bulk("Cu", "fcc", 3.615, n);
  atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);
  return atoms;
}

/** An EAM engine on Cu_u3.eam holding `atoms`. */
export async function cuEngine(atoms: Atoms, opts: EngineOptions = {}): Promise<EamEngine> {
  const e = await EamEngine.create(bundledPotential("Cu_u3.eam"), opts);
  e.setAtoms(atoms);
  return e;
}
