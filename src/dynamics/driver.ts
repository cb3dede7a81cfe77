/**
 * Molecular dynamics over the `Calculator` protocol: the same driver runs EAM, ECT-EAM and
 * Streitz-Mintmire. Velocity Verlet with optional Langevin (BAOAB) or Nose-Hoover chain thermostat
 * and Berendsen barostat; restarts that continue bit for bit. Units: A, fs, amu, eV, K, bar.
 *
 * One step (forces F(x) known):
 *   thermostat.preKick  (Nose-Hoover: half a step of the chain)
 *   v += dt/2 F/m
 *   x += dt v           (Langevin: x += dt/2 v; O-step; x += dt/2 v)
 *   F = calculator(x)
 *   v += dt/2 F/m
 *   thermostat.postKick (Nose-Hoover: the other half)
 *   barostat            (Berendsen: scale cell and x, as LAMMPS' end_of_step; forces are not re-evaluated)
 *
 * The NVE part repeats the wasm kernel's arithmetic (`assembly/integrate.ts`) operation by operation,
 * so for EAM it gives the wasm `VelocityVerlet` trajectory to round-off.
 */
import { Atoms } from "../atoms.js";
import type { Calculator, CalculatorResults } from "../calculators/protocol.js";
import { forceEnergy } from "../calculators/protocol.js";
import { CalculationFailed, InputError } from "../errors.js";
import { FTM } from "../engine/system.js";
import { berendsenScale, checkBarostat, pressureTensor, type BarostatSpec } from "./barostat.js";
import { EngineAccess } from "./engine-access.js";
import type { ThermoRow } from "./md.js";
import { RESTART_FORMAT, RESTART_VERSION, type RestartData } from "./restart.js";
import { makeThermostat, type Thermostat, type ThermostatSpec } from "./thermostats.js";
import { kineticEnergy, temperatureOf } from "./velocities.js";

/** Settings of a run. */
export interface DynamicsOptions {
  /** Time step, fs. */
  dt: number;
  thermostat?: ThermostatSpec;
  barostat?: BarostatSpec;
}

/** A thermo row with what the generic driver knows beyond NVE (null where it does not exist). */
export interface DynamicsThermo extends ThermoRow {
  /** Cell volume, A^3 (null for a cluster). */
  volume: number | null;
  /** ECT-EAM grand potential Omega, eV (null for other models). */
  omega: number | null;
  /**
   * The quantity the integrator conserves, eV: Omega (or E) + kinetic + thermostat reservoir
   * (Langevin: energy given to the bath; Nose-Hoover: chain energy). Null with a Berendsen barostat,
   * which conserves nothing.
   */
  conserved: number | null;
  /** Sum, smallest and largest charge, e (variable-charge models). */
  totalCharge: number | null;
  chargeMin: number | null;
  chargeMax: number | null;
  /** Weight/charge solver iterations of the last evaluation (ECT-EAM). */
  solverIterations: number | null;
}

/** Callbacks of `run`; each is optional. Intervals are in steps and count from step 0 of the whole run. */
export interface DynamicsHooks {
  thermoEvery?: number;
  onThermo?: (row: DynamicsThermo) => void;
  frameEvery?: number;
  onFrame?: (md: MolecularDynamics) => void;
  /** Restart interval; a restart is also handed over after the last step. */
  restartEvery?: number;
  onRestart?: (data: RestartData) => void;
  progressEvery?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Timing of a run. */
export interface DynamicsSummary {
  steps: number;
  seconds: number;
  usPerAtomStep: number;
}

/** MD of one structure with one calculator; `atoms` evolves in place (positions, velocities, cell). */
export class MolecularDynamics {
  readonly calculator: Calculator;
  readonly atoms: Atoms;
  readonly dt: number;
  readonly thermostat: Thermostat;
  readonly barostat: BarostatSpec;
  /** Steps done since the start of the simulation (continues across restarts). */
  step = 0;
  /** The last evaluation (forces at the current positions, before a barostat scaling). */
  results: CalculatorResults | null = null;
  /** Free text stored in restarts: which potential or model ran. */
  description = "";
  private readonly access: EngineAccess;
  private readonly invMass: Float64Array;
  private origin = { step: 0, time: 0 };

  /** `atoms` is copied; velocities default to zero. */
  constructor(calculator: Calculator, atoms: Atoms, options: DynamicsOptions) {
    if (!(options.dt > 0) || !Number.isFinite(options.dt)) throw new InputError(`time step must be > 0 fs, got ${options.dt}`);
    if (atoms.length === 0) throw new InputError("MD needs at least one atom");
    this.calculator = calculator;
    this.atoms = atoms.copy();
    if (!this.atoms.velocities) this.atoms.velocities = new Float64Array(3 * atoms.length);
    this.dt = options.dt;
    this.thermostat = makeThermostat(options.thermostat ?? { kind: "none" });
    this.thermostat.init(this.atoms.length);
    this.barostat = checkBarostat(options.barostat ?? { kind: "none" });
    if (this.barostat.kind !== "none") {
      if (!this.atoms.pbc.every((p) => p)) throw new InputError("a barostat needs a cell periodic in all three directions (pbc T T T)");
      if (!(this.atoms.volume() > 0)) throw new InputError("a barostat needs a cell with a volume");
    }
    for (let i = 0; i < atoms.length; i++) {
      if (!(atoms.masses[i] > 0)) throw new InputError(`atom ${i} has mass ${atoms.masses[i]} amu, expected > 0`, { atom: i });
    }
    this.invMass = Float64Array.from(this.atoms.masses, (m) => 1 / m);
    this.access = new EngineAccess(calculator);
  }

  /** Simulated time, fs. */
  get time(): number {
    return this.origin.time + (this.step - this.origin.step) * this.dt;
  }

  /** Evaluates forces at the current positions (done automatically by `step` and `run`). */
  evaluate(): CalculatorResults {
    const a = this.atoms;
    this.access.beforeCalculate(a);
    const r = this.calculator.calculate(a, "md");
    const e = forceEnergy(r);
    if (!Number.isFinite(e)) throw new CalculationFailed(`non-finite energy ${e} eV at step ${this.step}`);
    for (let k = 0; k < r.forces.length; k++) {
      if (!Number.isFinite(r.forces[k])) {
        throw new CalculationFailed(`non-finite force on atom ${Math.floor(k / 3)} at step ${this.step}`);
      }
    }
    const wrapped = this.access.afterCalculate(a);
    if (wrapped) a.positions.set(wrapped);
    this.results = r;
    return r;
  }

  /** Advances one time step. */
  stepOnce(): void {
    if (!this.results) this.evaluate();
    const a = this.atoms, th = this.thermostat, dt = this.dt;
    const x = a.positions, v = a.velocities!, m = a.masses;
    const n = a.length;
    th.preKick(v, m, dt);
    this.kick();
    if (th.splitDrift) {
      const h = 0.5 * dt;
      for (let k = 0; k < 3 * n; k++) x[k] += h * v[k];
      th.midDrift(v, m, dt);
      for (let k = 0; k < 3 * n; k++) x[k] += h * v[k];
    } else {
      for (let k = 0; k < 3 * n; k++) x[k] += dt * v[k];
    }
    this.evaluate();
    this.kick();
    th.postKick(v, m, dt);
    if (this.barostat.kind === "berendsen") this.scaleCell(this.barostat);
    this.step++;
  }

  /** v += dt/2 F/m, written as the wasm kernel does (dtf * (1/m) * F). */
  private kick(): void {
    const v = this.atoms.velocities!, f = this.results!.forces, im = this.invMass;
    const dtf = 0.5 * this.dt * FTM;
    for (let i = 0; i < im.length; i++) {
      const s = dtf * im[i];
      v[3 * i] = v[3 * i] + s * f[3 * i];
      v[3 * i + 1] = v[3 * i + 1] + s * f[3 * i + 1];
      v[3 * i + 2] = v[3 * i + 2] + s * f[3 * i + 2];
    }
  }

  private scaleCell(spec: BarostatSpec & { kind: "berendsen" }): void {
    const a = this.atoms;
    const p = pressureTensor(a.velocities!, a.masses, this.results!.virial, a.volume());
    const mu = berendsenScale(spec, p, this.dt);
    for (let i = 0; i < a.length; i++) for (let d = 0; d < 3; d++) a.positions[3 * i + d] *= mu[d];
    for (let r = 0; r < 3; r++) for (let d = 0; d < 3; d++) a.cell[3 * r + d] *= mu[d];
  }

  /** Runs `steps` steps, calling the hooks at their intervals; returns timing. */
  run(steps: number, hooks: DynamicsHooks = {}): DynamicsSummary {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    const every = (k: number | undefined, name: string) => {
      const v = k ?? 0;
      if (!Number.isInteger(v) || v < 0) throw new InputError(`${name} must be an integer >= 0, got ${v}`);
      return v;
    };
    const thermoEvery = every(hooks.thermoEvery, "thermo interval");
    const frameEvery = every(hooks.frameEvery, "frame interval");
    const restartEvery = every(hooks.restartEvery, "restart interval");
    const progressEvery = hooks.progressEvery ?? Math.max(1, Math.floor(steps / 100));
    if (!this.results) this.evaluate();
    const start = this.step, end = start + steps;
    hooks.onThermo?.(this.thermo());
    if (frameEvery > 0 && this.step % frameEvery === 0) hooks.onFrame?.(this);
    const t0 = performance.now();
    while (this.step < end) {
      this.stepOnce();
      const s = this.step, last = s === end;
      if (hooks.onProgress && ((s - start) % progressEvery === 0 || last)) hooks.onProgress(s - start, steps);
      if ((thermoEvery > 0 && s % thermoEvery === 0) || last) hooks.onThermo?.(this.thermo());
      if (frameEvery > 0 && s % frameEvery === 0) hooks.onFrame?.(this);
      if (hooks.onRestart && ((restartEvery > 0 && s % restartEvery === 0) || last)) hooks.onRestart(this.restartData());
    }
    const ms = performance.now() - t0;
    return { steps, seconds: ms / 1000, usPerAtomStep: steps > 0 ? (ms * 1000) / (steps * this.atoms.length) : 0 };
  }

  /** The current thermodynamic state (evaluates first if needed). */
  thermo(): DynamicsThermo {
    const r = this.results ?? this.evaluate();
    const a = this.atoms;
    const kinetic = kineticEnergy(a.velocities!, a.masses);
    const periodic = a.pbc.some((p) => p) && a.volume() > 0;
    const volume = periodic ? a.volume() : null;
    let pressure: number | null = null;
    if (volume !== null) {
      const p = pressureTensor(a.velocities!, a.masses, r.virial, volume);
      pressure = (p[0] + p[4] + p[8]) / 3;
    }
    const q = r.charges;
    let qs: number | null = null, qmin: number | null = null, qmax: number | null = null;
    if (q && q.length > 0) {
      qs = 0;
      qmin = Infinity;
      qmax = -Infinity;
      for (const c of q) {
        qs += c;
        qmin = Math.min(qmin, c);
        qmax = Math.max(qmax, c);
      }
    }
    const iters = (r as { iterations?: unknown }).iterations;
    return {
      step: this.step,
      time: this.time,
      temperature: temperatureOf(kinetic, a.length),
      potential: r.energy,
      kinetic,
      total: r.energy + kinetic,
      pressure,
      volume,
      omega: r.grandPotential ?? null,
      conserved: this.barostat.kind === "none" ? forceEnergy(r) + kinetic + this.thermostat.extendedEnergy() : null,
      totalCharge: qs,
      chargeMin: qmin,
      chargeMax: qmax,
      solverIterations: typeof iters === "number" ? iters : null,
    };
  }

  /** The current state as new Atoms with `forces` (eV/A) and, when the model has them, `charges` (e). */
  snapshot(): Atoms {
    const r = this.results ?? this.evaluate();
    const s = this.atoms.copy();
    s.info = { ...s.info, step: this.step, time: this.time, energy: r.energy };
    if (r.grandPotential !== undefined) s.info.omega = r.grandPotential;
    s.arrays = { ...s.arrays, forces: { kind: "R", ncols: 3, data: r.forces.slice() } };
    if (r.charges) s.arrays.charges = { kind: "R", ncols: 1, data: r.charges.slice() };
    return s;
  }

  /** Everything needed to continue this run exactly (see `MolecularDynamics.fromRestart`). */
  restartData(): RestartData {
    const r = this.results ?? this.evaluate();
    const a = this.atoms;
    const results: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "number" || v === null || v instanceof Float64Array) results[k] = v instanceof Float64Array ? v.slice() : v;
    }
    return {
      format: RESTART_FORMAT,
      version: RESTART_VERSION,
      step: this.step,
      time: this.time,
      dt: this.dt,
      symbols: a.symbols.slice(),
      pbc: [...a.pbc] as [boolean, boolean, boolean],
      cell: a.cell.slice(),
      positions: a.positions.slice(),
      velocities: a.velocities!.slice(),
      masses: a.masses.slice(),
      results,
      thermostat: { ...this.thermostat.spec },
      thermostatState: this.thermostat.state(),
      barostat: { ...this.barostat },
      list: this.access.listState(),
      solver: this.access.solver(),
      calculator: this.description || undefined,
    };
  }

  /**
   * Continues a run from a restart. `options` may change the time step, thermostat or barostat
   * (then the run is no longer the uninterrupted one); the thermostat's state carries over when it
   * is of the same kind (and chain length). With the same calculator and options, `run(n - k)` from
   * a restart of step k gives the uninterrupted run's step n bit for bit.
   */
  static fromRestart(calculator: Calculator, data: RestartData, options: Partial<DynamicsOptions> = {}): MolecularDynamics {
    const atoms = new Atoms({
      symbols: data.symbols,
      positions: data.positions,
      cell: data.cell,
      pbc: data.pbc,
      masses: data.masses,
      velocities: data.velocities,
    });
    const md = new MolecularDynamics(calculator, atoms, {
      dt: options.dt ?? data.dt,
      thermostat: options.thermostat ?? data.thermostat,
      barostat: options.barostat ?? data.barostat,
    });
    const before = data.thermostat, now = md.thermostat.spec;
    const sameKind = before.kind === now.kind && (now.kind !== "nose-hoover" || (before as { chain?: number }).chain === now.chain);
    if (sameKind) md.thermostat.setState(data.thermostatState);
    md.step = data.step;
    md.origin = { step: data.step, time: data.time };
    const results = { ...data.results } as unknown as CalculatorResults;
    if (!(results.virial instanceof Float64Array) || typeof results.energy !== "number") {
      throw new InputError("restart results need energy and virial");
    }
    md.results = results;
    md.access.restore(md.atoms, data.list, data.solver);
    return md;
  }
}
