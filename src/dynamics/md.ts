import { Atoms } from "../atoms.js";
import type { Calculator } from "../calculators/protocol.js";
import { InputError } from "../errors.js";
import type { EamEngine } from "../eam/engine.js";
import { MolecularDynamics } from "./driver.js";
import { engineCalculator } from "./engine-loop.js";
import type { GuardLimits } from "./guard.js";
import { engineThermoRow, type ThermoRow } from "./thermo.js";

export type { ThermoRow } from "./thermo.js";

/**
 * The run checks VelocityVerlet keeps: it stops on non-finite or lost atoms only, never on the
 * temperature, energy drift or dangerous-build limits, which it did not have before it ran on
 * MolecularDynamics (a thin skin on purpose, say, stays allowed).
 */
const NO_LIMITS: GuardLimits = { maxTemperature: Infinity, maxDriftPerAtom: Infinity, stopOnDangerousBuilds: false };

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
 * NVE molecular dynamics with velocity Verlet of an EAM engine that already holds the structure
 * (`engine.setAtoms`): a thin layer over `MolecularDynamics` (src/dynamics/driver.ts), whose NVE runs
 * stay in the engine's wasm loop between outputs, so no per-step work crosses the JS/wasm boundary.
 * The engine holds the state between runs (change its velocities or positions there); `template`
 * supplies the cell and pbc for frames and the pressure. Units: A, fs, eV, K, bar.
 */
export class VelocityVerlet {
  readonly engine: EamEngine;
  readonly options: Required<VerletOptions>;
  private readonly template: Atoms;
  private readonly calculator: Calculator;
  /** Steps done so far. */
  step = 0;

  constructor(engine: EamEngine, template: Atoms, options: VerletOptions) {
    if (!(options.dt > 0) || !Number.isFinite(options.dt)) throw new InputError(`time step must be > 0 fs, got ${options.dt}`);
    this.engine = engine;
    this.template = template;
    this.options = { neighborEvery: 1, neighborDelay: 0, ...options };
    this.calculator = engineCalculator({ kind: "eam", engine });
  }

  /**
   * The current thermodynamic state from the engine's sums (its energy, kinetic energy and virial):
   * energies eV, temperature K, pressure bar. Call after `run` (which computes the forces).
   */
  thermo(): ThermoRow {
    const e = this.engine;
    return engineThermoRow({
      step: this.step, time: this.step * this.options.dt, n: e.length,
      potential: e.energy(), kinetic: e.kineticEnergy(), virial: e.virial(), cell: this.template,
    });
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

  /**
   * Runs `steps` steps from the engine's state, calling the hooks at their intervals (the first
   * thermo row, and a frame when frames are asked for, at the start); returns timing (s, us per
   * atom-step) and the neighbor-list builds of the run.
   */
  run(steps: number, hooks: RunHooks = {}): RunSummary {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    const e = this.engine;
    const { dt, neighborEvery, neighborDelay } = this.options;
    const frameEvery = hooks.frameEvery ?? 0;
    const start = this.step;
    const before = e.neighborStats();
    // A new driver each run: the engine, which the caller may have changed since, is the state.
    const md = MolecularDynamics.fromEngine(this.calculator, this.template, { dt, neighborEvery, neighborDelay, guard: NO_LIMITS }, start);
    const summary = md.run(steps, {
      thermoEvery: hooks.thermoEvery,
      onThermo: () => {
        this.step = md.step;
        hooks.onThermo?.(this.thermo());
        // Frames start with every run, also one begun off the frame interval (the driver's do not).
        if (md.step === start && frameEvery > 0 && start % frameEvery !== 0) hooks.onFrame?.(this.snapshot(), start);
      },
      frameEvery,
      onFrame: () => {
        this.step = md.step;
        hooks.onFrame?.(this.snapshot(), this.step);
      },
      progressEvery: hooks.progressEvery,
      onProgress: hooks.onProgress,
    });
    this.step = md.step;
    const after = e.neighborStats();
    return {
      steps,
      seconds: summary.seconds,
      usPerAtomStep: summary.usPerAtomStep,
      neighborBuilds: after.builds - before.builds,
      dangerousBuilds: after.dangerous - before.dangerous,
    };
  }
}
