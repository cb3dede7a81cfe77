/**
 * Frames that carry a calculator's results in the keys ASE reads (energy=, free_energy=, stress=,
 * forces, charges, ...). An input frame's own result keys (from whatever computed it before) are
 * dropped first, so an output never mixes stale numbers with ours.
 */
import type { Atoms } from "../atoms.js";

/** Per-frame keys that hold results of a calculation (ASE's, and this package's). */
export const RESULT_INFO_KEYS = [
  "energy", "free_energy", "stress", "virial", "dipole", "magmom", "omega", "mu", "chi", "solver_iterations",
  "off_table_densities", "energy_eam", "energy_coul", "energy_coul_pair", "energy_coul_kspace", "qeq_iterations",
  "summation", "streitz_mode", "coul_cutoff", "qeq_tolerance", "qeq_alpha", "qeq_cutoff", "qeq_maxiter", "ewald_g",
  "ewald_kmax", "wolf_alpha", "converged", "fmax",
];

/** Per-atom columns that hold results of a calculation. */
export const RESULT_ARRAYS = ["forces", "energies", "charges", "weights", "host_density", "electronegativity", "magmoms", "stresses"];

/** A copy of `atoms` without result keys and columns. */
export function withoutResults(atoms: Atoms): Atoms {
  const a = atoms.copy();
  for (const k of RESULT_INFO_KEYS) delete a.info[k];
  for (const k of RESULT_ARRAYS) delete a.arrays[k];
  return a;
}

/**
 * Sets the energies of a result: `energy=` E, and for models whose forces derive from another
 * energy (ECT-EAM's grand potential Omega) `free_energy=` and `omega=` that one, as ASE names a
 * force-consistent energy.
 */
export function setEnergies(atoms: Atoms, energy: number, forceEnergy?: number): void {
  atoms.info.energy = energy;
  if (forceEnergy !== undefined) {
    atoms.info.free_energy = forceEnergy;
    atoms.info.omega = forceEnergy;
  }
}

/** ASE writes stress in extxyz as the full 3x3 (row-major); Voigt is xx yy zz yz xz xy. */
export function voigtToFull(s: ArrayLike<number>): number[] {
  const [xx, yy, zz, yz, xz, xy] = Array.from(s);
  return [xx, xy, xz, xy, yy, yz, xz, yz, zz];
}
