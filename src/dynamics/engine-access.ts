/**
 * What the MD driver needs to see behind the `Calculator` protocol to make runs exact and cheap:
 * the wasm engine's neighbor-list builds (to adopt wrapped positions and to rebuild the same list
 * on resume) and, for ECT-EAM, the weight solver's warm start. Calculators without a wasm engine
 * (a pure TypeScript model) get `null` and lose nothing but bit-for-bit restarts.
 */
import { Atoms } from "../atoms.js";
import type { Calculator } from "../calculators/protocol.js";
import type { EctEngine } from "../ect/engine.js";
import type { KernelSystem } from "../engine/system.js";
import type { StreitzEngine } from "../streitz/engine.js";

/**
 * The engine's neighbor list: where it was built (positions in A as handed to the engine, before
 * wrapping, and the cell) and the current order of its segments, which the force passes permute.
 */
export interface ListState {
  positions: Float64Array;
  cell: Float64Array;
  /** Concatenated neighbor segments (`KernelSystem.neighborOrder`); null when not saved. */
  order: Int32Array | null;
}

/** ECT-EAM warm start: weights (N x 4) and the chemical potential (eV). */
export interface SolverState {
  /** ECT-EAM: the weights (N x MAX_STATES); Streitz: charges then QEq history (see StreitzEngine). */
  weights: Float64Array;
  mu: number;
}

/** An engine whose solver carries a warm start between evaluations. */
export type WarmStartEngine = EctEngine | StreitzEngine;

/** The wasm engine a calculator evaluates with (its declared `wasm`), or null. */
export function kernelSystemOf(calc: Calculator): KernelSystem | null {
  return calc.wasm?.engine ?? null;
}

/** The engine of a calculator whose solver has a warm start (ECT-EAM weights, Streitz QEq), or null. */
export function warmStartOf(calc: Calculator): WarmStartEngine | null {
  const w = calc.wasm;
  return w === undefined || w.kind === "eam" ? null : w.engine;
}

/** Tracks neighbor-list builds and solver state of a calculator's engine across MD steps. */
export class EngineAccess {
  readonly engine: KernelSystem | null;
  /**
   * Engines whose solver carries a warm start between calls (ECT-EAM weights, Streitz QEq charges
   * and history); null for EAM.
   */
  readonly ect: WarmStartEngine | null;
  private builds = -1;
  /** Evaluations since the last build the driver saw. */
  private sinceBuild = 0;
  /**
   * Builds on two evaluations in a row (the list checked every step): an atom moved more than half
   * the skin in one step, which LAMMPS counts as a dangerous build.
   */
  dangerous = 0;
  /** Where the list in use was built (null until a build was seen or without an engine). */
  list: ListState | null = null;

  constructor(calc: Calculator) {
    this.engine = kernelSystemOf(calc);
    this.ect = warmStartOf(calc);
  }

  /**
   * Called before `calculate(atoms)`. When the cell changed, ECT-EAM would restart its solver cold
   * (a new structure): load the new cell here and keep the weights, which still belong to the same
   * atoms a tiny strain away (barostat steps).
   */
  beforeCalculate(atoms: Atoms): void {
    const ect = this.ect;
    this.newCell = this.cell !== null && !sameNumbers(this.cell, atoms.cell);
    if (ect !== null && this.warm && this.newCell) {
      const state = ect.solverState();
      ect.sync(atoms);
      ect.setSolverState(state);
    }
    this.cell = atoms.cell.slice();
  }

  /** The cell of the last evaluation, and whether the solver has a converged warm start. */
  private cell: Float64Array | null = null;
  private warm = false;
  /** The cell changed before this evaluation (a barostat step): the list is rebuilt for that. */
  private newCell = false;

  /**
   * Called after `calculate(atoms)`: when the engine rebuilt its list, records where (for restarts)
   * and returns the wrapped positions it now holds, which the driver adopts so that the next call's
   * displacement check compares like with like (else every atom outside the cell forces a rebuild).
   */
  afterCalculate(atoms: Atoms): Float64Array | null {
    const e = this.engine;
    if (e === null) return null;
    this.warm = true;
    const b = e.neighborStats().builds;
    this.sinceBuild++;
    if (b === this.builds) return null;
    if (this.builds >= 0 && this.sinceBuild === 1 && !this.newCell) this.dangerous++;
    this.sinceBuild = 0;
    this.builds = b;
    this.list = { positions: atoms.positions.slice(), cell: atoms.cell.slice(), order: null };
    return e.length === atoms.length ? e.positions() : null;
  }

  /** The list state to save in a restart: where it was built and its current order. */
  listState(): ListState | null {
    if (this.engine === null || this.list === null) return null;
    return { positions: this.list.positions.slice(), cell: this.list.cell.slice(), order: this.engine.neighborOrder() };
  }

  /** The ECT-EAM warm start, or null for other models. */
  solver(): SolverState | null {
    const ect = this.ect;
    return ect === null || ect.length === 0 ? null : ect.solverState();
  }

  /**
   * Puts the engine back into a saved state: the list built where it was built, then the solver's
   * warm start. The next `calculate` then does exactly what the uninterrupted run did.
   */
  restore(atoms: Atoms, list: ListState | null, solver: SolverState | null): void {
    const e = this.engine;
    if (e === null) return;
    if (list !== null) {
      const at = new Atoms({ symbols: atoms.symbols, positions: list.positions, cell: list.cell, pbc: atoms.pbc, masses: atoms.masses });
      e.sync(at, "restart");
      e.rebuild();
      if (list.order !== null) e.setNeighborOrder(list.order);
      this.list = { positions: list.positions.slice(), cell: list.cell.slice(), order: null };
    } else {
      e.sync(atoms, "restart");
    }
    this.builds = e.neighborStats().builds;
    this.sinceBuild = 1; // unknown: the run may have built long before the restart
    this.cell = (list?.cell ?? atoms.cell).slice();
    if (solver !== null && this.ect !== null) {
      this.ect.setSolverState(solver);
      this.warm = true;
    }
  }
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
