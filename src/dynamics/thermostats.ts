/**
 * Thermostats for the MD driver, in LAMMPS metal units (fs, eV, K, amu, A/fs). Each one is a step
 * splitting around velocity Verlet: the driver calls `preKick` / `drift` / `postKick` at fixed
 * places of the step, so the same kick and drift code serves NVE, Langevin and Nose-Hoover.
 */
import { InputError } from "../errors.js";
import { BOLTZMANN, FTM } from "../engine/system.js";
import { Random, type RandomState } from "./random.js";
import { degreesOfFreedom, kineticEnergy } from "./velocities.js";

/** Which thermostat, with its parameters. */
export type ThermostatSpec =
  | { kind: "none" }
  | {
      kind: "langevin";
      /** Target temperature, K. */
      temperature: number;
      /** Damping time 1/gamma, fs. */
      tdamp: number;
      /** Seed of the random forces (integer). */
      seed: number;
    }
  | {
      kind: "nose-hoover";
      /** Target temperature, K. */
      temperature: number;
      /** Period of the thermostat's oscillation, fs (LAMMPS Tdamp). */
      tdamp: number;
      /** Chain length (default 3, as LAMMPS' tchain). */
      chain?: number;
    };

/** Saved thermostat state (JSON): everything that evolves during a run. */
export interface ThermostatState {
  /** Energy the thermostat has taken out of the system so far, eV. */
  reservoir: number;
  /** Nose-Hoover chain positions (dimensionless) and velocities (1/fs). */
  xi?: number[];
  vxi?: number[];
  /** Langevin random generator. */
  random?: RandomState;
}

/** The parts of a step a thermostat acts on; velocities are A/fs, N x 3, masses amu. */
export interface Thermostat {
  readonly spec: ThermostatSpec;
  /** Sizes the thermostat for n atoms (Nose-Hoover: degrees of freedom and chain masses). */
  init(n: number): void;
  /** Before the first half kick (Nose-Hoover: half a step of the chain). */
  preKick(v: Float64Array, masses: Float64Array, dt: number): void;
  /** Between the two half drifts (Langevin: the friction and noise step over dt). */
  midDrift(v: Float64Array, masses: Float64Array, dt: number): void;
  /** After the second half kick (Nose-Hoover: the other half step of the chain). */
  postKick(v: Float64Array, masses: Float64Array, dt: number): void;
  /** True when the drift is split in two around `midDrift` (BAOAB). */
  readonly splitDrift: boolean;
  /** Thermostat energy that makes kinetic + potential + this conserved, eV. */
  extendedEnergy(): number;
  state(): ThermostatState;
  setState(s: ThermostatState): void;
}

/** Checks a spec's numbers and returns it with defaults filled in. */
export function checkThermostat(spec: ThermostatSpec): ThermostatSpec {
  if (spec.kind === "none") return spec;
  if (!(spec.temperature >= 0) || !Number.isFinite(spec.temperature)) {
    throw new InputError(`thermostat target temperature must be a finite number >= 0 K, got ${spec.temperature}`);
  }
  if (!(spec.tdamp > 0) || !Number.isFinite(spec.tdamp)) throw new InputError(`thermostat tdamp must be > 0 fs, got ${spec.tdamp}`);
  if (spec.kind === "langevin") {
    if (!Number.isInteger(spec.seed)) throw new InputError(`Langevin seed must be an integer, got ${spec.seed}`);
    return { ...spec };
  }
  const chain = spec.chain ?? 3;
  if (!Number.isInteger(chain) || chain < 1 || chain > 10) throw new InputError(`Nose-Hoover chain length must be an integer from 1 to 10, got ${chain}`);
  if (spec.temperature === 0) throw new InputError("Nose-Hoover needs a target temperature > 0 K (its thermostat mass is proportional to T)");
  return { ...spec, chain };
}

/** Builds the thermostat for a spec. */
export function makeThermostat(spec: ThermostatSpec): Thermostat {
  const s = checkThermostat(spec);
  if (s.kind === "langevin") return new Langevin(s);
  if (s.kind === "nose-hoover") return new NoseHooverChain(s);
  return new NoThermostat();
}

class NoThermostat implements Thermostat {
  readonly spec: ThermostatSpec = { kind: "none" };
  readonly splitDrift = false;
  init(): void {}
  preKick(): void {}
  midDrift(): void {}
  postKick(): void {}
  extendedEnergy(): number {
    return 0;
  }
  state(): ThermostatState {
    return { reservoir: 0 };
  }
  setState(): void {}
}

/**
 * The coefficients of Langevin's exact Ornstein-Uhlenbeck step over dt (fs) with damping time tdamp
 * (fs): v <- c1 v + c2 sqrt(kT/m) R, c1 = exp(-dt/tdamp), c2 = sqrt(1 - c1^2) (written (1 - c1)(1 + c1),
 * which keeps its digits when c1 is near 1). The driver's and the domain workers' Langevin share them.
 */
export function langevinDecay(dt: number, tdamp: number): { c1: number; c2: number } {
  const c1 = Math.exp(-dt / tdamp);
  return { c1, c2: Math.sqrt((1 - c1) * (1 + c1)) };
}

/**
 * Langevin dynamics with the BAOAB splitting (Leimkuhler and Matthews 2013): half kick, half drift,
 * the exact Ornstein-Uhlenbeck step v <- c1 v + sqrt(1 - c1^2) sqrt(kT/m) R with c1 = exp(-dt/tdamp),
 * half drift, forces, half kick. BAOAB samples configurations with the smallest time-step error of
 * the common splittings. The noise is projected to zero total momentum (mass-weighted), so the
 * centre of mass stays at rest and the 3N-3 internal degrees of freedom are the canonical ones
 * (unprojected noise would heat the centre of mass to kT/2 per direction, and the 3N-3 temperature
 * would read 3N/(3N-3) too high). Energy given to the bath is tallied for the conserved quantity.
 */
class Langevin implements Thermostat {
  readonly spec: ThermostatSpec & { kind: "langevin" };
  readonly splitDrift = true;
  private rng: Random;
  private reservoir = 0;

  constructor(spec: ThermostatSpec & { kind: "langevin" }) {
    this.spec = spec;
    this.rng = new Random(spec.seed);
  }

  init(): void {}
  preKick(): void {}
  postKick(): void {}

  midDrift(v: Float64Array, masses: Float64Array, dt: number): void {
    const { temperature, tdamp } = this.spec;
    const n = masses.length;
    const { c1, c2 } = langevinDecay(dt, tdamp);
    const before = kineticEnergy(v, masses);
    const p = [0, 0, 0];
    let mt = 0;
    for (let i = 0; i < n; i++) {
      // kT/m in eV/amu times FTM gives (A/fs)^2
      const sigma = c2 * Math.sqrt((BOLTZMANN * temperature * FTM) / masses[i]);
      for (let d = 0; d < 3; d++) {
        const k = 3 * i + d;
        v[k] = c1 * v[k] + sigma * this.rng.normal();
        p[d] += masses[i] * v[k];
      }
      mt += masses[i];
    }
    if (n > 1) {
      for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) v[3 * i + d] -= p[d] / mt;
    }
    this.reservoir += before - kineticEnergy(v, masses);
  }

  extendedEnergy(): number {
    return this.reservoir;
  }
  state(): ThermostatState {
    return { reservoir: this.reservoir, random: this.rng.getState() };
  }
  setState(s: ThermostatState): void {
    if (!s.random) throw new InputError("Langevin state needs the random generator's state");
    this.rng.setState(s.random);
    this.reservoir = finite(s.reservoir, "Langevin reservoir energy");
  }
}

/**
 * The variables of a Nose-Hoover chain (Martyna, Klein and Tuckerman 1992) and their half step,
 * integrated as Martyna, Tuckerman, Tobias and Klein 1996 (and LAMMPS fix nvt). Masses as LAMMPS:
 * Q1 = Nf kT tdamp^2, Qk = kT tdamp^2, so the thermostat oscillates with a period of about tdamp.
 * Nf = 3N-3: the uniform velocity scaling keeps a zero total momentum zero. The conserved quantity
 * adds sum_k Q_k vxi_k^2 / 2 + Nf kT xi_1 + kT sum_{k>1} xi_k.
 *
 * The chain only needs the kinetic energy and returns the factor the velocities are scaled by, so
 * the driver's thermostat (below) and the domain workers' (src/domain/thermostat.ts, with the
 * kinetic energy summed over the domains) integrate it with the same code and the same doubles.
 */
export class NoseHooverChainVariables {
  /** Chain positions (dimensionless) and velocities (1/fs). */
  xi: number[];
  vxi: number[];
  private q: number[] = [];
  private nf = 0;
  private readonly kT: number;

  constructor(private readonly spec: ThermostatSpec & { kind: "nose-hoover" }) {
    const m = spec.chain ?? 3;
    this.xi = new Array(m).fill(0);
    this.vxi = new Array(m).fill(0);
    this.kT = BOLTZMANN * spec.temperature;
  }

  /** Sizes the chain for n atoms of the whole system (degrees of freedom and masses). */
  init(n: number): void {
    this.nf = degreesOfFreedom(n);
    const t2 = this.spec.tdamp * this.spec.tdamp;
    this.q = this.xi.map((_, k) => (k === 0 ? this.nf : 1) * this.kT * t2);
  }

  /**
   * Half a time step (dt/2, dt in fs) of the chain at kinetic energy `kinetic` (eV) (Trotter, no
   * Suzuki-Yoshida); returns the factor the caller scales all velocities by.
   */
  halfStep(dt: number, kinetic: number): number {
    const { xi, vxi, q, kT, nf } = this;
    if (nf === 0) throw new Error("internal: Nose-Hoover thermostat used before init()");
    const m = xi.length;
    const h = 0.5 * dt, h2 = 0.5 * h, h4 = 0.25 * h;
    let ke2 = 2 * kinetic;
    const force = (k: number) => (k === 0 ? (ke2 - nf * kT) / q[0] : (q[k - 1] * vxi[k - 1] * vxi[k - 1] - kT) / q[k]);
    vxi[m - 1] += h2 * force(m - 1);
    for (let k = m - 2; k >= 0; k--) {
      const a = Math.exp(-h4 * vxi[k + 1]);
      vxi[k] = (vxi[k] * a + h2 * force(k)) * a;
    }
    const scale = Math.exp(-h * vxi[0]);
    ke2 *= scale * scale;
    for (let k = 0; k < m; k++) xi[k] += h * vxi[k];
    for (let k = 0; k < m - 1; k++) {
      const a = Math.exp(-h4 * vxi[k + 1]);
      vxi[k] = (vxi[k] * a + h2 * force(k)) * a;
    }
    vxi[m - 1] += h2 * force(m - 1);
    return scale;
  }

  /** The chain's energy, eV: what makes kinetic + potential + it conserved. */
  energy(): number {
    let e = 0;
    for (let k = 0; k < this.xi.length; k++) {
      e += 0.5 * this.q[k] * this.vxi[k] * this.vxi[k] + (k === 0 ? this.nf : 1) * this.kT * this.xi[k];
    }
    return e;
  }

  state(): ThermostatState {
    return { reservoir: this.energy(), xi: this.xi.slice(), vxi: this.vxi.slice() };
  }
  setState(s: ThermostatState): void {
    const m = this.xi.length;
    if (!Array.isArray(s.xi) || !Array.isArray(s.vxi) || s.xi.length !== m || s.vxi.length !== m) {
      throw new InputError(`Nose-Hoover state needs xi and vxi with ${m} entries (the chain length)`);
    }
    this.xi = s.xi.map((x) => finite(x, "Nose-Hoover xi"));
    this.vxi = s.vxi.map((x) => finite(x, "Nose-Hoover vxi"));
  }
}

/** The Nose-Hoover chain thermostat of the driver: half a chain step, velocity Verlet, half a chain step. */
class NoseHooverChain implements Thermostat {
  readonly spec: ThermostatSpec & { kind: "nose-hoover" };
  readonly splitDrift = false;
  private readonly chain: NoseHooverChainVariables;

  constructor(spec: ThermostatSpec & { kind: "nose-hoover" }) {
    this.spec = spec;
    this.chain = new NoseHooverChainVariables(spec);
  }

  init(n: number): void {
    this.chain.init(n);
  }
  preKick(v: Float64Array, masses: Float64Array, dt: number): void {
    this.halfChain(v, masses, dt);
  }
  postKick(v: Float64Array, masses: Float64Array, dt: number): void {
    this.halfChain(v, masses, dt);
  }
  midDrift(): void {}

  private halfChain(v: Float64Array, masses: Float64Array, dt: number): void {
    const scale = this.chain.halfStep(dt, kineticEnergy(v, masses));
    for (let k = 0; k < v.length; k++) v[k] *= scale;
  }

  extendedEnergy(): number {
    return this.chain.energy();
  }
  state(): ThermostatState {
    return this.chain.state();
  }
  setState(s: ThermostatState): void {
    this.chain.setState(s);
  }
}

function finite(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new InputError(`${what} must be a finite number, got ${String(x)}`);
  return x;
}
