/**
 * Thermostats of a domain-decomposed run, with the step splitting of the driver's
 * (src/dynamics/thermostats.ts: `preKick`, `midDrift` between two half drifts, `postKick`) and with
 * what they need of the whole system taken as global sums (halo.ts). Units: fs, eV, K, amu, A/fs.
 *
 * Shared with the driver:
 * - Nose-Hoover chain: the chain itself (`NoseHooverChainVariables`: masses, Trotter half steps,
 *   energy). Here its kinetic energy is the sum over the domains; every domain integrates the same
 *   chain with the same doubles, so all scale their velocities alike.
 * - Langevin (BAOAB): the checks of the spec, the Ornstein-Uhlenbeck coefficients (`langevinDecay`)
 *   and the step's place in the splitting.
 * Domain-specific, and why:
 * - Langevin's random numbers are a hash of (seed, atom, step, component) rather than the driver's
 *   one stream in atom order, so a run gives the same trajectory on any number of workers (not the
 *   driver's, whose noise is another draw of the same distribution); the zero-momentum projection
 *   sums the momentum over the domains; the per-atom loops run over the engine's x/y/z columns and
 *   1/m (the driver's over N x 3 rows and m), each in the arithmetic order main has always used, so
 *   runs stay bit for bit what they were.
 */
import { BOLTZMANN, FTM } from "../engine/system.js";
import { checkThermostat, langevinDecay, NoseHooverChainVariables, type ThermostatSpec } from "../dynamics/thermostats.js";
import type { SlabEngine } from "./engine.js";
import type { Halo } from "./halo.js";

/** The thermostat of one domain. Every method is collective (all domains call it at the same step). */
export class DomainThermostat {
  readonly spec: ThermostatSpec;
  /** Nose-Hoover: the chain (null otherwise). */
  private readonly chain: NoseHooverChainVariables | null = null;
  private readonly kT: number;
  /** Langevin: energy this domain's atoms gave to the bath, eV. */
  private reservoir = 0;
  private totalMass = 0;

  constructor(
    spec: ThermostatSpec,
    /** Atoms of the whole system. */
    n: number,
    private readonly halo: Halo,
  ) {
    this.spec = checkThermostat(spec);
    this.kT = this.spec.kind === "none" ? 0 : BOLTZMANN * this.spec.temperature;
    if (this.spec.kind === "nose-hoover") {
      this.chain = new NoseHooverChainVariables(this.spec);
      this.chain.init(n);
    }
  }

  /** True when the drift is split in two around `midDrift` (Langevin's BAOAB), as the driver's `Thermostat`. */
  get splitDrift(): boolean {
    return this.spec.kind === "langevin";
  }

  /** Before the first half kick (Nose-Hoover: half a step of the chain). */
  preKick(e: SlabEngine, dt: number): void {
    this.halfChain(e, dt);
  }

  /** After the second half kick (Nose-Hoover: the other half step of the chain). */
  postKick(e: SlabEngine, dt: number): void {
    this.halfChain(e, dt);
  }

  /**
   * Between the two half drifts (Langevin: the friction and noise step over dt fs) for the owned
   * atoms with global ids `gid`, at step `step` (counted from the start of the session, the same on
   * every domain): v <- c1 v + c2 sqrt(kT/m) R, then the total momentum of the whole system removed.
   */
  midDrift(e: SlabEngine, gid: Int32Array, step: number, dt: number): void {
    if (this.spec.kind !== "langevin") return;
    const n = e.length;
    const vx = e.array("vx"), vy = e.array("vy"), vz = e.array("vz"), im = e.array("invMass");
    if (this.totalMass === 0) {
      let m = 0;
      for (let i = 0; i < n; i++) m += 1 / im[i];
      this.totalMass = this.halo.allreduce([m])[0];
    }
    const { c1, c2 } = langevinDecay(dt, this.spec.tdamp);
    const seed = this.spec.seed;
    let before = 0, px = 0, py = 0, pz = 0;
    const v = [vx, vy, vz];
    for (let i = 0; i < n; i++) {
      before += (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]) / im[i];
      // kT/m in eV/amu times FTM gives (A/fs)^2
      const sigma = c2 * Math.sqrt(this.kT * FTM * im[i]);
      for (let d = 0; d < 3; d++) v[d][i] = c1 * v[d][i] + sigma * normal(seed, gid[i], step, d);
      px += vx[i] / im[i];
      py += vy[i] / im[i];
      pz += vz[i] / im[i];
    }
    const [PX, PY, PZ] = this.halo.allreduce([px, py, pz]);
    const ux = PX / this.totalMass, uy = PY / this.totalMass, uz = PZ / this.totalMass;
    let after = 0;
    for (let i = 0; i < n; i++) {
      vx[i] -= ux;
      vy[i] -= uy;
      vz[i] -= uz;
      after += (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]) / im[i];
    }
    this.reservoir += (0.5 * (before - after)) / FTM;
  }

  /**
   * This domain's share of the thermostat energy that makes potential + kinetic + it conserved (eV;
   * the driver's `extendedEnergy` summed over the domains): the Nose-Hoover chain's energy on domain
   * 0 (0 on the others), Langevin's bath energy of its atoms.
   */
  energyShare(domain: number): number {
    if (this.spec.kind === "langevin") return this.reservoir;
    return this.chain !== null && domain === 0 ? this.chain.energy() : 0;
  }

  /** Half a time step of the chain at the whole system's kinetic energy, and the velocity scaling. */
  private halfChain(e: SlabEngine, dt: number): void {
    if (this.chain === null) return;
    const scale = this.chain.halfStep(dt, this.halo.allreduce([e.kineticEnergy()])[0]);
    const n = e.length;
    for (const name of ["vx", "vy", "vz"] as const) {
      const v = e.array(name);
      for (let i = 0; i < n; i++) v[i] *= scale;
    }
  }
}

/** A standard normal deviate from a hash of (seed, atom, step, component): Box-Muller on two hashed uniforms. */
function normal(seed: number, atom: number, step: number, component: number): number {
  const a = mix(mix(mix(seed ^ 0x9e3779b9) ^ atom) ^ step);
  const u1 = (mix(a ^ (2 * component + 1)) + 0.5) / 4294967296;
  const u2 = (mix(a ^ (2 * component + 2) ^ 0x85ebca6b) + 0.5) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** MurmurHash3's 32-bit finalizer (an avalanche mix), as an unsigned integer. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
