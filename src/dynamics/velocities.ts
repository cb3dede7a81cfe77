import { InputError } from "../errors.js";
import { BOLTZMANN, FTM } from "../eam/engine.js";
import { Random } from "./random.js";

/** Degrees of freedom of N atoms with the centre-of-mass momentum removed (LAMMPS' default). */
export function degreesOfFreedom(n: number): number {
  return Math.max(3 * n - 3, 1);
}

/** Kinetic energy in eV of velocities (A/fs, N x 3) and masses (amu). */
export function kineticEnergy(velocities: ArrayLike<number>, masses: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < masses.length; i++) {
    const a = velocities[3 * i], b = velocities[3 * i + 1], c = velocities[3 * i + 2];
    s += masses[i] * (a * a + b * b + c * c);
  }
  return (0.5 * s) / FTM;
}

/** Instantaneous temperature in K from a kinetic energy (eV) of n atoms. */
export function temperatureOf(kinetic: number, n: number): number {
  return (2 * kinetic) / (degreesOfFreedom(n) * BOLTZMANN);
}

/**
 * Velocities (A/fs, N x 3) drawn from the Maxwell-Boltzmann distribution at `temperature` K with a
 * seeded generator, then shifted to zero total momentum and scaled so the instantaneous temperature
 * is exactly `temperature` (as LAMMPS' `velocity create` does). Same seed, same velocities.
 */
export function maxwellBoltzmann(masses: ArrayLike<number>, temperature: number, seed: number): Float64Array {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InputError(`temperature must be a finite number >= 0 K, got ${temperature}`);
  }
  if (!Number.isInteger(seed)) throw new InputError(`seed must be an integer, got ${seed}`);
  const n = masses.length;
  const v = new Float64Array(3 * n);
  if (temperature === 0 || n < 2) return v;
  const rng = new Random(seed);
  rng.fillNormal(v);
  let mt = 0, px = 0, py = 0, pz = 0;
  for (let i = 0; i < n; i++) {
    // sigma^2 = kT/m in (A/fs)^2: kT/m is in eV/amu, times FTM (A^2/fs^2 per eV/amu)
    const m = masses[i];
    const sigma = Math.sqrt((BOLTZMANN * temperature * FTM) / m);
    const a = sigma * v[3 * i], b = sigma * v[3 * i + 1], c = sigma * v[3 * i + 2];
    v[3 * i] = a; v[3 * i + 1] = b; v[3 * i + 2] = c;
    px += m * a; py += m * b; pz += m * c;
    mt += m;
  }
  const p = [px, py, pz];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) v[3 * i + d] -= p[d] / mt;
  const t = temperatureOf(kineticEnergy(v, masses), n);
  const f = t > 0 ? Math.sqrt(temperature / t) : 0;
  for (let k = 0; k < v.length; k++) v[k] *= f;
  return v;
}
