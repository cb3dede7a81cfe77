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
 * so for EAM it gives the engine loop's trajectory to round-off.
 *
 * NVE runs of a calculator with a wasm MD loop (EAM, ECT-EAM, Streitz-Mintmire; src/dynamics/
 * engine-loop.ts) do not take this path: they stay in wasm between hook points, so logs, dumps and
 * restarts cost nothing per step. Either way a `RunGuard` stops runs that blew up.
 *
 * This is the one MD loop: the CLI (`md`), `VelocityVerlet` (a compatibility layer, src/dynamics/
 * md.ts, through `fromEngine`) and the demo page's worker all run on it. Only the domain-decomposed
 * run (src/domain) steps in its own workers, with barriers between the passes; its step has this
 * step's shape and thermostat hooks, its thermostats share their algorithms with these, and its
 * hooks follow the same schedule (schedule.ts) and thermo rows (thermo.ts). See
 * docs/domain-decomposition.md.
 */
import { EventLoopBreather } from "../event-loop.js";
import { Atoms } from "../atoms.js";
import type { Calculator, CalculatorResults } from "../calculators/protocol.js";
import { forceEnergy } from "../calculators/protocol.js";
import { CalculationFailed, InputError } from "../errors.js";
import { FTM } from "../engine/system.js";
import { berendsenScale, checkBarostat, pressureTensor, type BarostatSpec } from "./barostat.js";
import { EngineAccess, warmStartOf } from "./engine-access.js";
import { engineLoopOf, type EngineLoop } from "./engine-loop.js";
import { RunGuard, type GuardLimits, type GuardSample } from "./guard.js";
import { hookInterval, isDue, nextStop } from "./schedule.js";
import { setEnergies, withoutResults } from "../io/result-frame.js";
import { RESTART_FORMAT, RESTART_VERSION, type RestartData } from "./restart.js";
import { makeThermostat, type Thermostat, type ThermostatSpec } from "./thermostats.js";
import { dynamicsThermo, solverIterations, type DynamicsThermo } from "./thermo.js";
import { temperatureOf } from "./velocities.js";

export type { DynamicsThermo } from "./thermo.js";

/** Settings of a run. */
export interface DynamicsOptions {
  /** Time step, fs. */
  dt: number;
  thermostat?: ThermostatSpec;
  barostat?: BarostatSpec;
  /**
   * Neighbor-list checks as LAMMPS neigh_modify every/delay (default 1 and 0). Only loops that run
   * inside wasm (NVE with EAM or Streitz-Mintmire) check less often; elsewhere other values are refused.
   */
  neighborEvery?: number;
  neighborDelay?: number;
  /**
   * "auto" (default): NVE with a wasm MD loop stays in wasm between hooks; "per-step": every step
   * in TypeScript (thermostats and barostats always are).
   */
  loop?: "auto" | "per-step";
  /** When to stop a run that blew up (see `RunGuard`). */
  guard?: GuardLimits;
  /**
   * ECT-EAM NVE in the engine's loop: drop the weight solver's warm start before every step, so each
   * step starts from a cold, annealed solve at its positions (the atoms follow the ground state, not
   * the state continued from the start; the demo page's "ground state" mode). Refused elsewhere.
   */
  coldStartEachStep?: boolean;
}

/** Work counters of a driver since it was made. */
export interface DynamicsStats {
  /** Weight (ECT-EAM) or CG (Streitz-Mintmire) solver iterations, summed over evaluations. */
  solverIterations: number;
  /** Evaluations that ran a solver. */
  solves: number;
  /** Neighbor-list builds and dangerous builds of the engine (0 without one). */
  neighborBuilds: number;
  dangerousBuilds: number;
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
  /** Wall time of the steps, s, without the time spent in the hooks (writing outputs). */
  seconds: number;
  /** The same per atom and step, microseconds: the speed of the dynamics whatever it writes. */
  usPerAtomStep: number;
  /** Wall time of the whole run, hooks included, s. */
  wallSeconds: number;
}

/** MD of one structure with one calculator; `atoms` evolves in place (positions, velocities, cell). */
/** Work (ms) between two check points of a run at most (see runSteps). */
const CHECK_MS = 100;

export class MolecularDynamics {
  readonly calculator: Calculator;
  readonly dt: number;
  readonly thermostat: Thermostat;
  readonly barostat: BarostatSpec;
  /** Steps done since the start of the simulation (continues across restarts). */
  step = 0;
  /** The structure (positions, velocities, cell), evolved in place. */
  private readonly current: Atoms;
  /** The last evaluation; behind the engine while `stale`. */
  private last: CalculatorResults | null = null;
  /**
   * The wasm loop ran steps whose positions, velocities and results are still only in the engine:
   * between hook points `run` leaves them there (copying 32,000 atoms' state out at every check cost
   * more than the checks) and `atoms`/`results` read them back on first use.
   */
  private stale = false;
  /** Free text stored in restarts: which potential or model ran. */
  description = "";
  /** Neighbor checks (neigh_modify every/delay). */
  readonly neighborEvery: number;
  readonly neighborDelay: number;
  /** The wasm MD loop NVE steps run in (null: steps in TypeScript). */
  readonly loop: EngineLoop | null;
  private readonly access: EngineAccess;
  private readonly invMass: Float64Array;
  private readonly guardLimits: GuardLimits;
  private origin = { step: 0, time: 0 };
  /** Whether the engine holds this driver's velocities (the wasm loop owns the state between runs). */
  private loaded = false;
  private solverWork = { iterations: 0, solves: 0 };
  private builds0 = { builds: 0, dangerous: 0 };

  /** `atoms` is copied; velocities default to zero. */
  constructor(calculator: Calculator, atoms: Atoms, options: DynamicsOptions) {
    if (!(options.dt > 0) || !Number.isFinite(options.dt)) throw new InputError(`time step must be > 0 fs, got ${options.dt}`);
    if (atoms.length === 0) throw new InputError("MD needs at least one atom");
    this.calculator = calculator;
    this.current = atoms.copy();
    if (!this.current.velocities) this.current.velocities = new Float64Array(3 * atoms.length);
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
    this.invMass = new Float64Array(atoms.length);
    for (let i = 0; i < atoms.length; i++) this.invMass[i] = 1 / this.atoms.masses[i];
    this.access = new EngineAccess(calculator);
    this.neighborEvery = options.neighborEvery ?? 1;
    this.neighborDelay = options.neighborDelay ?? 0;
    if (!Number.isInteger(this.neighborEvery) || this.neighborEvery < 1) throw new InputError(`neighbor check interval must be an integer >= 1, got ${this.neighborEvery}`);
    if (!Number.isInteger(this.neighborDelay) || this.neighborDelay < 0) throw new InputError(`neighbor delay must be an integer >= 0, got ${this.neighborDelay}`);
    const nve = this.thermostat.spec.kind === "none" && this.barostat.kind === "none";
    this.loop = nve && options.loop !== "per-step" ? engineLoopOf(calculator, { coldStartEachStep: options.coldStartEachStep }) : null;
    if (options.coldStartEachStep && this.loop?.kind !== "ect") {
      throw new InputError("a cold start of the solver at every step applies to NVE runs of ECT-EAM in the engine's loop (no thermostat, barostat or per-step loop)");
    }
    if ((this.neighborEvery !== 1 || this.neighborDelay !== 0) && !this.loop?.neighborChecks) {
      throw new InputError(
        "neighbor checks other than every step (--neigh-every 1 --neigh-delay 0) apply to NVE runs of EAM and Streitz-Mintmire, " +
          "whose steps stay in wasm; thermostats, barostats and ECT-EAM check the list every step",
      );
    }
    this.guardLimits = options.guard ?? {};
    const e = this.access.engine;
    if (e !== null) {
      const st = e.neighborStats();
      this.builds0 = { builds: st.builds, dangerous: st.dangerous };
    }
  }

  /**
   * MD continuing from the state the calculator's wasm engine already holds: its positions (A),
   * velocities (A/fs) and, when still current, its forces, with `template`'s cell and pbc. Nothing is
   * re-evaluated (a new evaluation would reorder the neighbor list and change the last bits), so
   * steps continue the engine's trajectory exactly; `step` is the step count to continue from (time
   * step * dt fs). NVE in the engine's own loop only (what `VelocityVerlet` runs on).
   */
  static fromEngine(calculator: Calculator, template: Atoms, options: DynamicsOptions, step = 0): MolecularDynamics {
    const e = calculator.wasm?.engine;
    if (e === undefined) throw new InputError("MolecularDynamics.fromEngine needs a calculator with a wasm engine");
    if (e.length === 0) throw new InputError("MolecularDynamics.fromEngine: the engine holds no structure (call setAtoms first)");
    const atoms = new Atoms({ symbols: e.species(), positions: e.positions(), cell: template.cell, pbc: template.pbc, masses: e.masses(), velocities: e.velocities() });
    const md = new MolecularDynamics(calculator, atoms, options);
    const loop = md.loop;
    if (loop === null) throw new InputError("MolecularDynamics.fromEngine runs NVE in the engine's loop (no thermostat, barostat or per-step loop)");
    md.step = step;
    md.origin = { step, time: step * md.dt };
    // Forces at the engine's positions, computed only when the engine has none (0 steps).
    loop.run(0, md.dt, md.neighborEvery, md.neighborDelay);
    md.loaded = true;
    md.stale = true;
    return md;
  }

  /** Solver iterations, neighbor builds and dangerous builds since this driver was made. */
  get stats(): DynamicsStats {
    const e = this.access.engine;
    const st = e?.neighborStats() ?? { builds: 0, dangerous: 0 };
    return {
      solverIterations: this.solverWork.iterations,
      solves: this.solverWork.solves,
      neighborBuilds: st.builds - this.builds0.builds,
      dangerousBuilds: this.access.dangerous + st.dangerous - this.builds0.dangerous,
    };
  }

  /** The structure (positions, velocities, cell); `atoms` is evolved in place by `step` and `run`. */
  get atoms(): Atoms {
    if (this.stale) this.readBack();
    return this.current;
  }

  /** The last evaluation (forces at the current positions, before a barostat scaling). */
  get results(): CalculatorResults | null {
    if (this.stale) this.readBack();
    return this.last;
  }
  set results(r: CalculatorResults | null) {
    this.stale = false;
    this.last = r;
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
    this.loaded = false;
    const it = solverIterations(r);
    if (it !== null) {
      this.solverWork.iterations += it;
      this.solverWork.solves++;
    }
    return r;
  }

  /**
   * `steps` NVE steps in the wasm loop. Positions, velocities and results stay in the engine until
   * `atoms` or `results` are read (`readBack`). `tally` false: the chunk ends where nothing reads
   * the energy or virial (only a hand-back to the event loop), so the engine may skip their tally
   * on its last step (it tallies them later if they are read after all; same trajectory).
   */
  private advanceInEngine(steps: number, tally = true): void {
    const loop = this.loop!, e = loop.engine;
    // (not through the `results` getter: that would copy the engine's state out after every chunk)
    if (!this.stale && !this.last) this.evaluate();
    if (!this.loaded) {
      e.setVelocities(this.current.velocities!);
      this.loaded = true;
    }
    this.stale = true;
    const iterations = loop.run(steps, this.dt, this.neighborEvery, this.neighborDelay, tally);
    if (loop.kind !== "eam") {
      this.solverWork.iterations += iterations;
      this.solverWork.solves += steps;
    }
    this.step += steps;
  }

  /** Copies the wasm loop's positions, velocities and results into `atoms` and `results`. */
  private readBack(): void {
    const loop = this.loop!, e = loop.engine, a = this.current;
    this.stale = false;
    a.positions.set(e.positions());
    a.velocities!.set(e.velocities());
    this.last = loop.results(a);
  }

  /**
   * What the guard checks between hook points of a wasm loop, read in place from the engine: its
   * position and velocity columns, its kinetic and potential energy (no copies of per-atom arrays).
   */
  private engineSample(): GuardSample {
    const loop = this.loop!, e = loop.engine, a = this.current, n = e.length;
    const kinetic = e.kineticEnergy();
    const col = (name: "x" | "y" | "z" | "vx" | "vy" | "vz") => e.view(name);
    return {
      step: this.step,
      atoms: {
        n, cell: a.cell, pbc: a.pbc,
        pos: [col("x"), col("y"), col("z")], vel: [col("vx"), col("vy"), col("vz")], off: [0, 0, 0], stride: 1,
      },
      temperature: temperatureOf(kinetic, n),
      conserved: this.barostat.kind === "none" ? loop.potential() + kinetic + this.thermostat.extendedEnergy() : null,
      dangerousBuilds: this.stats.dangerousBuilds,
    };
  }

  /** Advances one time step. */
  stepOnce(): void {
    if (this.loop !== null) return this.advanceInEngine(1);
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

  /**
   * Runs `steps` steps, calling the hooks at their intervals; returns timing. Between hook points
   * NVE runs with a wasm loop stay in wasm. At every hook point the run is checked (`RunGuard`): a
   * run that blew up throws CalculationFailed naming the step and the cause.
   */
  run(steps: number, hooks: DynamicsHooks = {}): DynamicsSummary {
    const it = this.runSteps(steps, hooks);
    for (;;) {
      const r = it.next();
      if (r.done) return r.value;
    }
  }

  /**
   * {@link run}, handing control back to the event loop at check points at most every `yieldMs`
   * milliseconds of work, so that a long run in one process stays responsive: signal handlers
   * (Ctrl-C in the CLI), timers and I/O get their turn. The trajectory is the same as run's.
   */
  async runAsync(steps: number, hooks: DynamicsHooks = {}, yieldMs = 200): Promise<DynamicsSummary> {
    const it = this.runSteps(steps, hooks);
    const breather = new EventLoopBreather(yieldMs);
    let paused = 0;
    for (;;) {
      const r = it.next();
      if (r.done) {
        // The time spent away is not the run's.
        const s = r.value;
        const ms = Math.max(0, s.seconds * 1000 - paused);
        return { ...s, seconds: ms / 1000, usPerAtomStep: s.steps > 0 ? (ms * 1000) / (s.steps * this.atoms.length) : 0 };
      }
      paused += await breather.breathe();
    }
  }

  /** The body of {@link run}: yields after every check point, returns the timing. */
  private *runSteps(steps: number, hooks: DynamicsHooks): Generator<void, DynamicsSummary> {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    const thermoEvery = hookInterval(hooks.thermoEvery, "thermo interval");
    const frameEvery = hookInterval(hooks.frameEvery, "frame interval");
    const restartEvery = hookInterval(hooks.restartEvery, "restart interval");
    const progressEvery = Math.max(1, hookInterval(hooks.progressEvery, "progress interval") || Math.floor(steps / 100));
    // The run is checked (and a wasm loop left) at least this often: the progress interval, or
    // about 1 % of the run but no less than 10 steps.
    const checkEvery = hooks.onProgress ? progressEvery : Math.max(10, Math.floor(steps / 100));
    if (!this.results) this.evaluate();
    const start = this.step, end = start + steps;
    const guard = new RunGuard(this.guardLimits, this.access.engine?.skin ?? 1);
    const target = "temperature" in this.thermostat.spec ? this.thermostat.spec.temperature : undefined;
    const first = this.thermo();
    guard.begin(this.sample(first), target);
    hooks.onThermo?.(first);
    if (frameEvery > 0 && this.step % frameEvery === 0) hooks.onFrame?.(this);
    const t0 = performance.now();
    let hookMs = 0;
    // Chunks between check points are also cut to about CHECK_MS of work (timed on the previous
    // chunk), so that runAsync gives signal handlers (Ctrl-C) a turn within a fraction of a second
    // whatever the system size; where a chunk ends never changes the trajectory, and the checks
    // (guard, hooks) stay at their fixed steps.
    let stepsPerCheck = Math.min(checkEvery, 10);
    while (this.step < end) {
      const stop = nextStop(this.step, start, end, checkEvery, [thermoEvery, frameEvery, hooks.onRestart ? restartEvery : 0]);
      const next = Math.min(stop, this.step + stepsPerCheck);
      const c0 = performance.now(), from = this.step;
      // Only chunks that end at a check point (guard, thermo, outputs) need the energy and virial.
      if (this.loop !== null) this.advanceInEngine(next - this.step, next === stop);
      else while (this.step < next) this.stepOnce();
      const perStep = (performance.now() - c0) / Math.max(1, this.step - from);
      stepsPerCheck = Math.max(1, Math.min(checkEvery, Math.floor(CHECK_MS / Math.max(perStep, 1e-6))));
      // A cut inside a check interval only hands control back: the checks stay where they were.
      if (this.step < stop) {
        yield;
        continue;
      }
      const s = this.step, last = s === end;
      const thermo = isDue(s, thermoEvery) || last;
      const frame = isDue(s, frameEvery);
      const restart = hooks.onRestart !== undefined && (isDue(s, restartEvery) || last);
      // A check with no output to write leaves a wasm loop's state in the engine and checks it there.
      const row = this.stale && !thermo && !frame && !restart ? null : this.thermo();
      guard.check(row === null ? this.engineSample() : this.sample(row));
      const h0 = performance.now();
      if (hooks.onProgress && ((s - start) % progressEvery === 0 || last)) hooks.onProgress(s - start, steps);
      if (thermo) hooks.onThermo?.(row!);
      if (frame) hooks.onFrame?.(this);
      if (restart) hooks.onRestart!(this.restartData());
      hookMs += performance.now() - h0;
      if (!last) yield;
    }
    const wall = performance.now() - t0;
    const ms = wall - hookMs;
    return { steps, seconds: ms / 1000, usPerAtomStep: steps > 0 ? (ms * 1000) / (steps * this.atoms.length) : 0, wallSeconds: wall / 1000 };
  }

  private sample(row: DynamicsThermo) {
    return { step: row.step, atoms: this.atoms, temperature: row.temperature, conserved: row.conserved, dangerousBuilds: this.stats.dangerousBuilds };
  }

  /** The current thermodynamic state (evaluates first if needed). */
  thermo(): DynamicsThermo {
    const r = this.results ?? this.evaluate();
    return dynamicsThermo(this.step, this.time, this.atoms, r, this.barostat.kind === "none" ? this.thermostat.extendedEnergy() : null);
  }

  /**
   * The current state as new Atoms with `energy` (eV; ECT-EAM: also `free_energy` = Omega, which the
   * forces derive from), `forces` (eV/A) and, when the model has them, `charges` (e).
   */
  snapshot(): Atoms {
    const r = this.results ?? this.evaluate();
    const s = withoutResults(this.atoms);
    s.info = { ...s.info, step: this.step, time: this.time };
    setEnergies(s, r.energy, r.grandPotential);
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
      list: this.loop !== null ? this.loop.list(a) : this.access.listState(),
      solver: this.loop !== null ? this.loopSolver() : this.access.solver(),
      engine: this.loop !== null ? this.loop.state() : null,
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
      ...options,
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
    if (md.loop !== null && data.engine && data.list) {
      md.loop.restore(md.atoms, data.list, data.engine, data.solver, results.forces);
      md.loaded = true;
    } else {
      md.access.restore(md.atoms, data.list, data.solver);
    }
    return md;
  }

  private loopSolver() {
    return warmStartOf(this.calculator)?.solverState() ?? null;
  }
}
