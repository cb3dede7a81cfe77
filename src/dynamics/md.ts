import { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import type { EamEngine } from "../eam/engine.js";
import { temperatureOf } from "./velocities.js";

/** LAMMPS metal nktv2p: eV/A^3 to bar. */
export const EV_PER_A3_TO_BAR = 1.6021765e6;

/** One line of the thermo table. */
export interface ThermoRow {
  step: number;
  /** Simulated time, fs. */
  time: number;
  /** Instantaneous temperature, K (3N-3 degrees of freedom). */
  temperature: number;
  /** Potential, kinetic and total energy, eV. */
  potential: number;
  kinetic: number;
  total: number;
  /** Pressure including the kinetic term, bar (LAMMPS sign: positive = compressed); null for clusters. */
  pressure: number | null;
}

/** Options of a velocity-Verlet run. */
export interface VerletOptions {
  /** Time step, fs. */
  dt: number;
  /** Check the neighbor list every this many steps (default 1). */
  neighborEvery?: number;
  /** Do not rebuild within this many steps of the last build (default 0). */
  neighborDelay?: number;
}

/** Callbacks for `run`; each is optional. */
export interface RunHooks {
  /** Thermo output interval in steps (0: only first and last). */
  thermoEvery?: number;
  onThermo?: (row: ThermoRow) => void;
  /** Trajectory interval in steps (0: none). */
  frameEvery?: number;
  onFrame?: (frame: Atoms, step: number) => void;
  /** Called at least every `progressEvery` steps (default: about 1 % of the run). */
  progressEvery?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Timing of a run: wall seconds and microseconds per atom-step. */
export interface RunSummary {
  steps: number;
  seconds: number;
  usPerAtomStep: number;
  neighborBuilds: number;
  dangerousBuilds: number;
}

/**
 * NVE molecular dynamics with velocity Verlet, run inside wasm in chunks between outputs, so no
 * per-step work crosses the JS/wasm boundary. `template` supplies the cell and pbc for frames.
 */
export class VelocityVerlet {
  readonly engine: EamEngine;
  readonly options: Required<VerletOptions>;
  private readonly template: Atoms;
  /** Steps done so far. */
  step = 0;

  constructor(engine: EamEngine, template: Atoms, options: VerletOptions) {
    if (!(options.dt > 0) || !Number.isFinite(options.dt)) throw new InputError(`time step must be > 0 fs, got ${options.dt}`);
    this.engine = engine;
    this.template = template;
    this.options = { neighborEvery: 1, neighborDelay: 0, ...options };
  }

  /** The current thermodynamic state (computes forces first if needed). */
  thermo(): ThermoRow {
    const e = this.engine;
    const potential = e.energy();
    const kinetic = e.kineticEnergy();
    const n = e.length;
    const volume = this.template.pbc.some((p) => p) ? this.template.volume() : 0;
    const w = e.virial();
    const pressure = volume > 0 ? (((2 * kinetic) / 3 + (w[0] + w[4] + w[8]) / 3) / volume) * EV_PER_A3_TO_BAR : null;
    return {
      step: this.step,
      time: this.step * this.options.dt,
      temperature: temperatureOf(kinetic, n),
      potential,
      kinetic,
      total: potential + kinetic,
      pressure,
    };
  }

  /** The current state as Atoms: wrapped positions, velocities, and forces/energies columns. */
  snapshot(): Atoms {
    const e = this.engine;
    const t = this.template;
    const n = e.length;
    return new Atoms({
      symbols: e.species(),
      positions: e.positions(),
      cell: t.cell,
      pbc: t.pbc,
      masses: e.masses(),
      velocities: e.velocities(),
      info: { energy: e.energy(), step: this.step, time: this.step * this.options.dt },
      arrays: {
        forces: { kind: "R", ncols: 3, data: e.forces() },
        energies: { kind: "R", ncols: 1, data: e.energies().subarray(0, n) },
      },
    });
  }

  /** Runs `steps` steps, calling the hooks at their intervals; returns timing. */
  run(steps: number, hooks: RunHooks = {}): RunSummary {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    const e = this.engine;
    const { dt, neighborEvery, neighborDelay } = this.options;
    const thermoEvery = hooks.thermoEvery ?? 0;
    const frameEvery = hooks.frameEvery ?? 0;
    const progressEvery = hooks.progressEvery ?? Math.max(1, Math.floor(steps / 100));
    const start = this.step;
    const end = start + steps;
    const before = e.neighborStats();
    e.runVerlet(0, dt); // forces at the starting positions
    hooks.onThermo?.(this.thermo());
    if (frameEvery > 0) hooks.onFrame?.(this.snapshot(), this.step);
    let computeMs = 0;
    while (this.step < end) {
      let next = end;
      if (thermoEvery > 0) next = Math.min(next, nextMultiple(this.step, thermoEvery));
      if (frameEvery > 0) next = Math.min(next, nextMultiple(this.step, frameEvery));
      if (hooks.onProgress) next = Math.min(next, this.step + progressEvery);
      const c0 = performance.now();
      e.runVerlet(next - this.step, dt, { every: neighborEvery, delay: neighborDelay });
      computeMs += performance.now() - c0;
      this.step = next;
      hooks.onProgress?.(this.step - start, steps);
      const last = this.step === end;
      if ((thermoEvery > 0 && this.step % thermoEvery === 0) || last) hooks.onThermo?.(this.thermo());
      if (frameEvery > 0 && this.step % frameEvery === 0) hooks.onFrame?.(this.snapshot(), this.step);
    }
    const after = e.neighborStats();
    const seconds = computeMs / 1000;
    return {
      steps,
      seconds,
      usPerAtomStep: steps > 0 ? (computeMs * 1000) / (steps * e.length) : 0,
      neighborBuilds: after.builds - before.builds,
      dangerousBuilds: after.dangerous - before.dangerous,
    };
  }
}

function nextMultiple(step: number, every: number): number {
  return (Math.floor(step / every) + 1) * every;
}
