/**
 * NVE inside wasm: the engines' own velocity-Verlet loops behind one interface, so that
 * `MolecularDynamics` runs every model the same way and only leaves wasm at its hooks (thermo,
 * frames, restarts, progress). EAM and Streitz-Mintmire run whole chunks of steps in wasm with
 * LAMMPS neigh_modify checks; ECT-EAM re-solves its weights every step in its own loop (the list is
 * checked every step there). Calculators without such a loop get `null` and the per-step driver.
 */
import type { Atoms } from "../atoms.js";
import type { Calculator, CalculatorResults, WasmEngine } from "../calculators/protocol.js";
import type { EctEngine } from "../ect/engine.js";
import type { EamEngine } from "../eam/engine.js";
import { stressFromVirial, type KernelSystem } from "../engine/system.js";
import type { StreitzEngine } from "../streitz/engine.js";
import type { ListState, SolverState } from "./engine-access.js";

/**
 * What a restart of an in-wasm run holds about the engine beyond positions, velocities, the list
 * (`ListState`) and the solver's warm start.
 */
export interface EngineLoopState {
  /** Steps since the last neighbor build (neigh_modify every/delay count them). */
  stepsSinceBuild: number;
  /** Streitz-Mintmire with Ewald: the splitting g (1/A) and k-vector extents used by the run. */
  ewald?: { g: number; kmax: [number, number, number] };
  /** Streitz-Mintmire with extended-Lagrangian charges: the propagator's state (`StreitzEngine.xlState`). */
  xl?: Float64Array;
}


/** One model's wasm MD loop. */
export interface EngineLoop {
  readonly engine: KernelSystem;
  readonly kind: "eam" | "ect" | "streitz";
  /** Whether the loop checks the list as neigh_modify every/delay (else: every step). */
  readonly neighborChecks: boolean;
  /**
   * Runs `steps` NVE steps of `dt` fs from the engine's state; returns solver iterations spent.
   * `tally` false: the last step may skip the energy and virial tallies (EAM, Streitz-Mintmire;
   * the engine tallies them when they are read); the trajectory is the same either way.
   */
  run(steps: number, dt: number, every: number, delay: number, tally?: boolean): number;
  /** Energy, forces, virial, stress (and charges, Omega) at the engine's current state. */
  results(atoms: Atoms): CalculatorResults;
  /**
   * The energy the forces derive from at the engine's current state (eV: E, or Omega for ECT-EAM),
   * read without copying any per-atom array out (the run's checks between outputs).
   */
  potential(): number;
  /** The restart state of the engine (steps since the build, Streitz Ewald settings). */
  state(): EngineLoopState;
  /** Where the neighbor list was built (wrapped positions, A) and its current order. */
  list(atoms: Atoms): ListState;
  /**
   * Puts a saved state back: the list built where it was built, in its order, then `atoms`'
   * positions and velocities, the solver's warm start and the saved forces, so the next `run`
   * continues as the uninterrupted one did.
   */
  restore(atoms: Atoms, list: ListState, state: EngineLoopState, solver: SolverState | null, forces: Float64Array): void;
}

/** Variants of a loop. */
export interface EngineLoopOptions {
  /**
   * ECT-EAM: forget the weight solver's warm start before every step, so that each step starts from
   * the forces of a cold, annealed solve at its positions (the ground state at every step rather than
   * the state followed adiabatically from the start). Other models have no such loop.
   */
  coldStartEachStep?: boolean;
}

/** The wasm MD loop of `calc`'s engine (by the model its `wasm` names), or null when it has none. */
export function engineLoopOf(calc: Calculator, options: EngineLoopOptions = {}): EngineLoop | null {
  const w = calc.wasm;
  if (w === undefined) return null;
  const parts = w.kind === "eam" ? eamLoop(w.engine) : w.kind === "ect" ? ectLoop(w.engine, options.coldStartEachStep === true) : streitzLoop(w.engine);
  return { engine: w.engine, kind: w.kind, ...parts };
}

/**
 * A calculator over an engine that already holds a structure (as `VelocityVerlet` receives one), for
 * `MolecularDynamics.fromEngine`: its steps run in the engine's loop; `calculate` loads `atoms` and
 * evaluates, with the results the loop reads (energy eV, forces eV/A, virial eV, stress eV/A^3).
 */
export function engineCalculator(wasm: WasmEngine): Calculator {
  const calc: Calculator = {
    wasm,
    calculate(atoms, source) {
      const e = wasm.engine;
      e.sync(atoms, source);
      e.compute();
      return loop.results(atoms);
    },
  };
  const loop = engineLoopOf(calc)!;
  return calc;
}

/** What each model's loop adds to its engine and kind. */
type LoopParts = Omit<EngineLoop, "engine" | "kind">;

function baseResults(e: KernelSystem, atoms: Atoms): CalculatorResults {
  const virial = e.virial();
  return { energy: e.energy(), forces: e.forces(), virial, stress: stressFromVirial(virial, atoms) };
}

function loopState(e: KernelSystem): EngineLoopState {
  return { stepsSinceBuild: e.listOrigin().stepsSinceBuild };
}

function listOf(e: KernelSystem, atoms: Atoms): ListState {
  return { positions: e.listOrigin().positions, cell: atoms.cell.slice(), order: e.neighborOrder() };
}

function restoreList(e: KernelSystem, atoms: Atoms, list: ListState, state: EngineLoopState, beforeBuild?: () => void): void {
  const at = atoms.copy();
  at.positions = list.positions.slice();
  at.cell = list.cell.slice();
  e.sync(at, "restart");
  beforeBuild?.();
  e.rebuild();
  if (list.order !== null) e.setNeighborOrder(list.order);
  e.setStepsSinceBuild(state.stepsSinceBuild);
}

function finishRestore(e: KernelSystem, atoms: Atoms, solver: SolverState | null, forces: Float64Array, warm: EctEngine | StreitzEngine | null): void {
  e.setPositions(atoms.positions);
  e.setVelocities(atoms.velocities!);
  if (solver !== null && warm !== null) warm.setSolverState(solver);
  e.adoptForces(forces);
}

/** State, list and restore of a loop whose engine needs nothing beyond the list (EAM, ECT-EAM). */
function savedState(e: KernelSystem, warm: EctEngine | null): Pick<EngineLoop, "state" | "list" | "restore"> {
  return {
    state: () => loopState(e),
    list: (atoms) => listOf(e, atoms),
    restore(atoms, list, state, solver, forces) {
      restoreList(e, atoms, list, state);
      finishRestore(e, atoms, solver, forces, warm);
    },
  };
}

function eamLoop(e: EamEngine): LoopParts {
  return {
    neighborChecks: true,
    run(steps, dt, every, delay, tally) {
      e.runVerlet(steps, dt, { every, delay, tally });
      return 0;
    },
    results(atoms) {
      return { ...baseResults(e, atoms), energies: e.energies() };
    },
    potential: () => e.energy(),
    ...savedState(e, null),
  };
}

function ectLoop(e: EctEngine, coldStartEachStep: boolean): LoopParts {
  return {
    neighborChecks: false,
    run(steps, dt) {
      if (!coldStartEachStep || steps === 0) return e.runVerlet(steps, dt).iterations;
      // The cold start drops the forces too: runVerlet re-solves at the step's start positions.
      let iterations = 0;
      for (let s = 0; s < steps; s++) {
        e.coldStart();
        iterations += e.runVerlet(1, dt).iterations;
      }
      return iterations;
    },
    results(atoms) {
      return {
        ...baseResults(e, atoms),
        energies: e.energies(),
        grandPotential: e.grandPotential(),
        charges: e.charges(),
        iterations: e.solverReport().iterations,
      } as CalculatorResults;
    },
    potential: () => e.grandPotential(),
    ...savedState(e, e),
  };
}

function streitzLoop(e: StreitzEngine): LoopParts {
  return {
    neighborChecks: true,
    run(steps, dt, every, delay, tally) {
      const before = e.qeqReport().loopSum;
      e.runVerlet(steps, dt, { every, delay, tally });
      return (e.qeqReport().loopSum - before) / 2;
    },
    results(atoms) {
      const r = e.qeqReport();
      return { ...baseResults(e, atoms), charges: e.charges(), qeqIterations: Math.trunc((r.loopsS + r.loopsT) / 2) } as CalculatorResults;
    },
    potential: () => e.energy(),
    list: (atoms) => listOf(e, atoms),
    state() {
      const s = loopState(e);
      const ew = e.ewaldSettings();
      const xl = e.xlState();
      return {
        ...s,
        ...(ew ? { ewald: { g: ew.g, kmax: [ew.kmax[0], ew.kmax[1], ew.kmax[2]] as [number, number, number] } } : {}),
        ...(xl ? { xl } : {}),
      };
    },
    restore(atoms, list, state, solver, forces) {
      // The Ewald k-vectors lay out buffers anew (the list with them): set them before the build.
      restoreList(e, atoms, list, state, state.ewald ? () => e.setEwald(atoms.cell, state.ewald!.g, state.ewald!.kmax) : undefined);
      finishRestore(e, atoms, solver, forces, e);
      if (state.xl) e.setXlState(state.xl);
    },
  };
}
