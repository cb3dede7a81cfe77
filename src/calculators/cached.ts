import type { Atoms } from "../atoms.js";
import { stressFromVirial, type KernelSystem } from "../engine/system.js";
import { InputError } from "../errors.js";
import type { CalculatorResults, ModelCalculator, WasmEngine } from "./protocol.js";

/** What an evaluation depends on (ASE's `check_state`): species, positions, cell and periodicity. */
class AtomsState {
  private readonly symbols: string[];
  private readonly positions: Float64Array;
  private readonly cell: Float64Array;
  private readonly pbc: readonly boolean[];

  constructor(atoms: Atoms) {
    this.symbols = atoms.symbols.slice();
    this.positions = atoms.positions.slice();
    this.cell = atoms.cell.slice();
    this.pbc = atoms.pbc.slice();
  }

  matches(atoms: Atoms): boolean {
    return same(this.positions, atoms.positions) && same(this.cell, atoms.cell) && same(this.pbc, atoms.pbc) && same(this.symbols, atoms.symbols);
  }
}

function same<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** A copy the caller may change without touching the cache. */
function copyOf<T>(value: T): T {
  return value !== null && typeof value === "object" ? structuredClone(value) : value;
}

/**
 * The shared part of the bundled calculators: `calculate` always evaluates (and forgets the cache);
 * `getProperty` and the getters evaluate once per structure and answer from the cache while the
 * atoms are unchanged; `dispose` releases the engine. Subclasses supply `evaluate` and `release`.
 */
export abstract class CachedCalculator<R extends CalculatorResults> implements ModelCalculator<R> {
  abstract readonly implementedProperties: readonly (keyof R & string)[];
  private cached: { state: AtomsState; results: R } | null = null;
  private disposed = false;

  /** One evaluation of `atoms`; the results belong to the caller. */
  protected abstract evaluate(atoms: Atoms, source?: string): R;
  /** Releases the engine (called once, by `dispose`). */
  protected abstract release(): void;

  calculate(atoms: Atoms, source?: string): R {
    this.checkAlive();
    this.cached = null;
    return this.evaluate(atoms, source);
  }

  getProperty<K extends keyof R & string>(name: K, atoms: Atoms): R[K] {
    if (!this.implementedProperties.includes(name)) {
      throw new InputError(`this calculator does not compute '${name}' (it computes ${this.implementedProperties.join(", ")})`);
    }
    this.checkAlive();
    if (this.cached === null || !this.cached.state.matches(atoms)) {
      this.cached = null;
      const results = this.evaluate(atoms);
      this.cached = { state: new AtomsState(atoms), results };
    }
    return copyOf(this.cached.results[name]);
  }

  getPotentialEnergy(atoms: Atoms): number {
    return this.getProperty("energy", atoms);
  }

  getForces(atoms: Atoms): Float64Array {
    return this.getProperty("forces", atoms);
  }

  getStress(atoms: Atoms): Float64Array {
    const s = this.getProperty("stress", atoms);
    if (!s) throw new InputError("stress is not defined for a structure with no periodic direction");
    return s;
  }

  reset(): void {
    this.cached = null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cached = null;
    this.release();
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error("this calculator was disposed");
  }
}

/** A cached calculator on one wasm engine, which `dispose` releases. */
export abstract class WasmCalculator<R extends CalculatorResults, E extends KernelSystem & { compute(): void }> extends CachedCalculator<R> {
  /** The wasm engine (one instance, reused between calls). */
  readonly engine: E;
  readonly wasm: WasmEngine;

  protected constructor(wasm: WasmEngine & { readonly engine: E }) {
    super();
    this.engine = wasm.engine;
    this.wasm = wasm;
  }

  /** Loads `atoms` (positions only for the same system) and runs the engine; its virial and stress. */
  protected runEngine(atoms: Atoms, source?: string): { virial: Float64Array; stress: Float64Array | null } {
    this.engine.sync(atoms, source);
    this.engine.compute();
    const virial = this.engine.virial();
    return { virial, stress: stressFromVirial(virial, atoms) };
  }

  protected release(): void {
    this.engine.dispose();
  }
}
