/**
 * Thermostats of a domain-decomposed run, stepping with the domains (`domain.ts`): the Nose-Hoover
 * chain and Langevin dynamics of the single-engine driver (src/dynamics/thermostats.ts), with what
 * they need of the whole system taken as global sums (halo.ts). Units: fs, eV, K, amu, A/fs.
 *
 * - Nose-Hoover chain (Martyna, Tuckerman, Tobias, Klein 1996; LAMMPS fix nvt): half a step of the
 *   chain before the first half kick and after the second, with the kinetic energy summed over the
 *   domains; every domain integrates the same chain with the same doubles, so all scale their
 *   velocities alike. Its masses and conserved energy are those of the single engine's chain.
 * - Langevin, BAOAB (Leimkuhler and Matthews 2013) as the single engine: half kick, half drift, the
 *   Ornstein-Uhlenbeck step, half drift, forces, half kick; the noise projected to zero total
 *   momentum with the momentum summed over the domains. The random numbers are a hash of (seed,
 *   atom, step, component) rather than one stream in atom order, so a run gives the same
 *   trajectory on any number of workers (not the single engine's, whose noise is another draw of
 *   the same distribution).
 */
import { BOLTZMANN, FTM } from "../engine/system.js";
import { checkThermostat, type ThermostatSpec } from "../dynamics/thermostats.js";
import { degreesOfFreedom } from "../dynamics/velocities.js";
import type { SlabEngine } from "./engine.js";
import type { Halo } from "./halo.js";

/** The thermostat of one domain. */
export class DomainThermostat {
  readonly spec: ThermostatSpec;
  private readonly xi: number[] = [];
  private readonly vxi: number[] = [];
  private readonly q: number[] = [];
  private readonly nf: number;
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
    this.nf = degreesOfFreedom(n);
    this.kT = this.spec.kind === "none" ? 0 : BOLTZMANN * this.spec.temperature;
    if (this.spec.kind === "nose-hoover") {
      const m = this.spec.chain ?? 3, t2 = this.spec.tdamp * this.spec.tdamp;
      for (let k = 0; k < m; k++) {
        this.xi.push(0);
        this.vxi.push(0);
        this.q.push((k === 0 ? this.nf : 1) * this.kT * t2);
      }
    }
  }

  /** Whether the first half of the step is this thermostat's (Langevin's BAOAB) rather than the kernel's. */
  get ownsDrift(): boolean {
    return this.spec.kind === "langevin";
  }

  /** Before the first half kick (Nose-Hoover: half a step of the chain). Collective. */
  preKick(e: SlabEngine, dt: number): void {
    if (this.spec.kind === "nose-hoover") this.halfChain(e, dt);
  }

  /** After the second half kick. Collective. */
  postKick(e: SlabEngine, dt: number): void {
    if (this.spec.kind === "nose-hoover") this.halfChain(e, dt);
  }

  /**
   * Langevin's first half step (B A O A) for the owned atoms with global ids `gid`, at step `step`
   * (counted from the start of the session, the same on every domain). Collective.
   */
  langevinFirstHalf(e: SlabEngine, gid: Int32Array, step: number, dt: number): void {
    if (this.spec.kind !== "langevin") return;
    const n = e.length;
    const x = e.array("x"), y = e.array("y"), z = e.array("z");
    const vx = e.array("vx"), vy = e.array("vy"), vz = e.array("vz");
    const fx = e.array("fx"), fy = e.array("fy"), fz = e.array("fz"), im = e.array("invMass");
    if (this.totalMass === 0) {
      let m = 0;
      for (let i = 0; i < n; i++) m += 1 / im[i];
      this.totalMass = this.halo.allreduce([m])[0];
    }
    const dtf = 0.5 * dt * FTM, h = 0.5 * dt;
    for (let i = 0; i < n; i++) {
      const s = dtf * im[i];
      vx[i] += s * fx[i];
      vy[i] += s * fy[i];
      vz[i] += s * fz[i];
      x[i] += h * vx[i];
      y[i] += h * vy[i];
      z[i] += h * vz[i];
    }
    const c1 = Math.exp(-dt / this.spec.tdamp), c2 = Math.sqrt((1 - c1) * (1 + c1));
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
      x[i] += h * vx[i];
      y[i] += h * vy[i];
      z[i] += h * vz[i];
    }
    this.reservoir += (0.5 * (before - after)) / FTM;
  }

  /**
   * This domain's share of the thermostat energy that makes potential + kinetic + it conserved (eV):
   * the Nose-Hoover chain's energy on domain 0 (0 on the others), Langevin's bath energy of its atoms.
   */
  energyShare(domain: number): number {
    if (this.spec.kind === "langevin") return this.reservoir;
    if (this.spec.kind !== "nose-hoover" || domain !== 0) return 0;
    let s = 0;
    for (let k = 0; k < this.xi.length; k++) s += 0.5 * this.q[k] * this.vxi[k] * this.vxi[k] + (k === 0 ? this.nf : 1) * this.kT * this.xi[k];
    return s;
  }

  /** Half a time step of the chain (Trotter, as the single engine's NoseHooverChain) and the velocity scaling. */
  private halfChain(e: SlabEngine, dt: number): void {
    const { xi, vxi, q, kT, nf } = this;
    const m = xi.length, h = 0.5 * dt, h2 = 0.5 * h, h4 = 0.25 * h;
    let ke2 = 2 * this.halo.allreduce([e.kineticEnergy()])[0];
    const force = (k: number) => (k === 0 ? (ke2 - nf * kT) / q[0] : (q[k - 1] * vxi[k - 1] * vxi[k - 1] - kT) / q[k]);
    const sweep = (down: boolean) => {
      for (let t = 0; t < m - 1; t++) {
        const k = down ? m - 2 - t : t;
        const a = Math.exp(-h4 * vxi[k + 1]);
        vxi[k] = (vxi[k] * a + h2 * force(k)) * a;
      }
    };
    vxi[m - 1] += h2 * force(m - 1);
    sweep(true);
    const scale = Math.exp(-h * vxi[0]);
    const n = e.length;
    for (const name of ["vx", "vy", "vz"] as const) {
      const v = e.array(name);
      for (let i = 0; i < n; i++) v[i] *= scale;
    }
    ke2 *= scale * scale;
    for (let k = 0; k < m; k++) xi[k] += h * vxi[k];
    sweep(false);
    vxi[m - 1] += h2 * force(m - 1);
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
