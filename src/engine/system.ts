/**
 * `KernelSystem`, the base of every wasm engine (EAM, ECT-EAM, Streitz, a domain's EAM): one system
 * of atoms in one wasm instance. It composes a memory arena (`arena.ts`: context block, tables,
 * buffers, views) and a neighbor-list handle (`neighbor-list.ts`), and holds what ties them to atoms:
 * capacities, the per-atom buffer layout, structure loading, growth on kernel status, MD chunking
 * and results. Also the LAMMPS metal-unit constants and the stress from a virial.
 */
import type { Atoms } from "../atoms.js";
import { CalculationFailed, InputError } from "../errors.js";
import { deinterleave3 } from "../math/interleave.js";
import { WasmArena, type Field } from "./arena.js";
import { CTX_BYTES } from "./context.js";
import { STATUS_BINS, STATUS_GHOSTS, STATUS_NEIGH } from "./bindings.generated.js";
import { cellFrame, type CellFrame } from "./geometry.js";
export { stressFromVirial } from "./geometry.js";
import { estimateGhostsAndBins, estimateNeighbors, KERNEL_STATUS, NeighborList } from "./neighbor-list.js";
import type { KernelExports, KernelVariant } from "./wasm.js";

export type { Field } from "./arena.js";

/** LAMMPS metal-unit constants (src/update.cpp), so dynamics match LAMMPS runs. */
export const MVV2E = 1.0364269e-4; // eV per amu*A^2/ps^2
/** Force/mass to acceleration: A/fs^2 per (eV/A)/amu (LAMMPS ftm2v = 1/MVV2E in A/ps^2). */
export const FTM = 1e-6 / MVV2E;
/** Boltzmann constant in eV/K (LAMMPS metal). */
export const BOLTZMANN = 8.617343e-5;

/** Names of the per-atom buffers that `EamEngine.view` exposes. */
export type PerAtomBuffer = "x" | "y" | "z" | "vx" | "vy" | "vz" | "fx" | "fy" | "fz" | "eatom" | "rho" | "fp" | "type";
const PER_ATOM: string[] = ["x", "y", "z", "vx", "vy", "vz", "fx", "fy", "fz", "eatom", "rho", "fp", "type"];

/** Options for an engine (one wasm instance with its own memory). */
export interface EngineOptions {
  /** Kernel build: "simd" (default) or "scalar". */
  variant?: KernelVariant;
  /** Neighbor skin in A (default 1.0, as LAMMPS metal units). */
  skin?: number;
  /** A precompiled kernel module (for workers and bundlers); otherwise loaded once per variant. */
  module?: WebAssembly.Module;
}

/**
 * One system of atoms in one wasm instance: positions, velocities, forces, ghost atoms and neighbor
 * lists live in wasm memory as SoA Float64 buffers; TypeScript lays them out, the kernels fill them.
 * Potential-specific engines (EAM, ECT-EAM) extend it with their tables and passes.
 * Typed-array views (`view`) alias wasm memory and are invalidated when the arrays grow.
 */
export class KernelSystem {
  readonly variant: KernelVariant;
  readonly skin: number;
  /** Element symbols in type order: atom species are mapped to types by these names. */
  readonly elements: string[];
  /** Where the potential or model came from, for messages. */
  readonly source: string;
  /** The instance's exports; replaced by a stub that throws once the engine is disposed. */
  protected k: KernelExports;
  /** Context block, tables and buffers of the instance. */
  protected readonly arena: WasmArena;
  /** The half neighbor list in the arena. */
  protected readonly neighborList: NeighborList;
  protected readonly ctx: number;
  protected n = 0;
  /** Slots in owned-only arrays (at least n; a spatial domain keeps room for arriving atoms). */
  protected ownedCapacity = 0;
  protected capacity = 0;
  protected ghostCapacity = 0;
  protected neighCapacity = 0;
  protected binCapacity = 0;
  private frame: CellFrame | null = null;
  private pbc: [boolean, boolean, boolean] = [false, false, false];
  protected listValid = false;
  protected forcesValid = false;
  /** False after MD steps run with `tally: false`: the energies and virial are tallied on first read. */
  protected tallied = true;
  private symbols: string[] = [];
  /** Neighbor reach minus skin: the largest interaction distance the lists must cover (A). */
  protected reach: number;

  protected constructor(k: KernelExports, variant: KernelVariant, skin: number, elements: string[], cutoff: number, source: string) {
    if (!(skin >= 0) || !Number.isFinite(skin)) throw new InputError(`skin must be a finite distance >= 0 A, got ${skin}`);
    this.k = k;
    this.variant = variant;
    this.skin = skin;
    this.elements = elements.slice();
    this.source = source;
    this.reach = cutoff;
    if (k.contextBytes() !== CTX_BYTES) {
      throw new Error(`internal: kernel context is ${k.contextBytes()} bytes, TypeScript expects ${CTX_BYTES}; rebuild`);
    }
    this.arena = new WasmArena(() => this.k.memory, k.heapBase());
    this.neighborList = new NeighborList(this.arena);
    this.ctx = this.arena.ctx;
    this.setCtx("ntypes", elements.length);
    this.setCtx("cutoff", cutoff);
    this.setCtx("skin", skin);
    this.setCtx("ftm", FTM);
    this.setCtx("every", 1);
    this.setCtx("delay", 0);
  }

  /** Number of owned atoms. */
  get length(): number {
    return this.n;
  }

  /**
   * Lets go of the wasm instance and its memory (wasm memory cannot shrink; once nothing holds the
   * instance, the garbage collector frees it). Views from `view` keep the old memory alive, so drop
   * them too. Any later use of the engine throws; a second call does nothing.
   */
  dispose(): void {
    const source = this.source;
    this.k = new Proxy({} as KernelExports, {
      get() {
        throw new Error(`this engine (${source}) was disposed`);
      },
    });
    this.arena.clearViews();
  }

  // ---------------------------------------------------------------- context access
  /**
   * Changes the interaction reach (A, without the skin) for the next `setAtoms`: an engine whose
   * range depends on the structure's elements (ECT's per-pair remainder cutoffs) sets it first.
   */
  protected setReach(cutoff: number): void {
    this.reach = cutoff;
    this.setCtx("cutoff", cutoff);
  }

  protected get mem(): WebAssembly.Memory {
    return this.k.memory;
  }
  protected setCtx(f: Field, v: number): void {
    this.arena.setCtx(f, v);
  }
  protected getCtx(f: Field): number {
    return this.arena.getCtx(f);
  }

  // ---------------------------------------------------------------- layout
  /** Where the buffers start: after the context block and the tables. */
  protected get tablesEnd(): number {
    return this.arena.tablesEnd;
  }

  /**
   * Copies tables into wasm memory right after the context block (once, before any atoms) and
   * stores each one's address in its context field.
   */
  protected placeTables(tables: { field: Field; data: Float64Array | Int32Array }[]): void {
    this.arena.placeTables(tables);
  }

  /** Called after every layout: subclasses refill their extraRegions here. */
  protected afterLayout(): void {}

  /** Regions sized by something other than the atom count: [field, bytes]. */
  protected extraRegions(): [Field, number][] {
    return [];
  }

  /** Lays the buffers out again (after extraRegions changed size), keeping owned-atom data. */
  protected relayout(): void {
    if (this.arena.has("x")) this.layout();
  }

  /** Owned-atom data that survives a relayout: [buffer, values per atom]. */
  protected preservedPerAtom(): [string, number][] {
    return ["x", "y", "z", "vx", "vy", "vz", "invMass", "type", "fx", "fy", "fz"].map((b) => [b, 1]);
  }

  /** Extra per-atom buffers of a potential: [field, bytes per extended slot]. */
  protected extraPerAtom(): [Field, number][] {
    return [];
  }

  /** Lays out every per-atom buffer for the current capacities, keeping owned-atom data. */
  protected layout(): void {
    const keep: Record<string, Float64Array | Int32Array> = {};
    if (this.arena.has("x")) {
      for (const [name, per] of this.preservedPerAtom()) keep[name] = this.raw(name).slice(0, this.n * per);
    }
    const n = Math.max(this.n, this.ownedCapacity), cap = this.capacity, g = this.ghostCapacity;
    const spec: [Field, number][] = [
      ["x", 8 * cap], ["y", 8 * cap], ["z", 8 * cap],
      ["fx", 8 * cap], ["fy", 8 * cap], ["fz", 8 * cap],
      ["type", 4 * cap], ["rho", 8 * cap], ["fp", 8 * cap], ["eatom", 8 * cap],
      ...this.extraPerAtom().map(([f, b]) => [f, b * cap] as [Field, number]),
      ["binAtoms", 4 * cap], ["binOf", 4 * cap],
      ["vx", 8 * n], ["vy", 8 * n], ["vz", 8 * n], ["invMass", 8 * n],
      ["x0", 8 * n], ["y0", 8 * n], ["z0", 8 * n],
      ["numNeigh", 4 * n], ["firstNeigh", 4 * n], ["numPairs", 4 * n],
      ["ghostOwner", 4 * g], ["ghostShift", 24 * g],
      ["neigh", 4 * this.neighCapacity], ["pairR", 8 * this.neighCapacity], ["binStart", 4 * this.binCapacity],
      ...this.extraRegions(),
    ];
    this.arena.layout(spec);
    this.setCtx("nlocal", this.n);
    this.setCtx("capacity", cap);
    this.setCtx("ghostCapacity", g);
    this.setCtx("neighCapacity", this.neighCapacity);
    this.setCtx("binCapacity", this.binCapacity);
    for (const [name, data] of Object.entries(keep)) (this.raw(name) as Float64Array).set(data as Float64Array);
    this.listValid = false;
    this.afterLayout();
  }

  /** Bytes of wasm linear memory in use (tables and per-atom buffers), and the total reserved. */
  memoryUse(): { used: number; reserved: number } {
    return this.arena.memoryUse();
  }

  /**
   * Zero-copy typed-array view of one per-atom wasm buffer, covering the owned atoms: "x", "y", "z"
   * (A), "vx", "vy", "vz" (A/fs), "fx", "fy", "fz" (eV/A), "eatom" (eV), "rho", "fp" (eV), "type".
   * It aliases wasm memory: writes to x/y/z/vx/vy/vz go straight to the kernels (call `compute`
   * after moving atoms). Valid until the arrays grow (`setAtoms`, or a rebuild that needs more room);
   * re-fetch it after those.
   */
  view(name: PerAtomBuffer): Float64Array | Int32Array {
    if (!PER_ATOM.includes(name)) throw new Error(`no per-atom buffer named '${name}' (have ${PER_ATOM.join(", ")})`);
    return this.raw(name).subarray(0, this.n);
  }

  /** The whole region of a buffer (owned and ghost slots, or list capacity). */
  protected raw(name: string): Float64Array | Int32Array {
    return this.arena.raw(name);
  }
  protected f64(name: string): Float64Array {
    return this.raw(name) as Float64Array;
  }

  // ---------------------------------------------------------------- system
  /**
   * Loads a structure: species mapped to the potential's elements by name, positions (A), masses
   * (amu), velocities (A/fs, zero when absent), cell and periodicity. Validates everything first.
   */
  setAtoms(atoms: Atoms, source = "structure"): void {
    const n = atoms.length;
    if (n === 0) throw new InputError(`${source}: no atoms`);
    const elements = this.elements;
    const types = new Int32Array(n);
    // One lookup per run of equal symbols (a crystal is one run).
    let last: string | undefined, t = -1;
    for (let i = 0; i < n; i++) {
      if (i === 0 || atoms.symbols[i] !== last) {
        last = atoms.symbols[i];
        t = elements.indexOf(last as string);
      }
      if (t < 0) {
        throw new InputError(
          `species '${atoms.symbols[i]}' is not in ${this.source} (elements: ${elements.join(", ")})`,
          { atom: i, file: source === "structure" ? undefined : source },
        );
      }
      types[i] = t;
    }
    checkFinite(atoms.positions, "position", source);
    if (atoms.velocities) checkFinite(atoms.velocities, "velocity", source);
    for (let i = 0; i < n; i++) {
      if (!(atoms.masses[i] > 0)) throw new InputError(`${source}: atom ${i} has mass ${atoms.masses[i]} amu, expected > 0`, { atom: i });
    }
    const frame = cellFrame(atoms.cell, atoms.pbc, source);
    const sizeChanged = n !== this.n;
    this.n = n;
    this.symbols = atoms.symbols.slice();
    this.setFrame(frame, atoms.pbc);
    if (sizeChanged || this.capacity < n) {
      const est = this.ghostCapacity === 0 ? estimateGhostsAndBins(atoms.positions, frame, atoms.pbc, this.reach + this.skin) : null;
      this.capacity = n + Math.max(64, this.ghostCapacity, est?.ghosts ?? 0);
      this.ghostCapacity = this.capacity - n;
      this.neighCapacity = Math.max(this.neighCapacity, estimateNeighbors(n, frame, this.reach + this.skin));
      this.binCapacity = Math.max(this.binCapacity, 1024, est?.bins ?? 0);
      this.layout();
    }
    (this.raw("type") as Int32Array).set(types);
    // 1/m, positions (as setPositions) and velocities in one loop: it runs cold at start-up.
    const m = atoms.masses, p = atoms.positions, v = atoms.velocities, im = this.f64("invMass");
    const x = this.f64("x"), y = this.f64("y"), z = this.f64("z"), vx = this.f64("vx"), vy = this.f64("vy"), vz = this.f64("vz");
    for (let i = 0; i < n; i++) {
      im[i] = 1 / m[i];
      x[i] = p[3 * i]; y[i] = p[3 * i + 1]; z[i] = p[3 * i + 2];
      vx[i] = v ? v[3 * i] : 0; vy[i] = v ? v[3 * i + 1] : 0; vz[i] = v ? v[3 * i + 2] : 0;
    }
    this.listValid = false;
    this.forcesValid = false;
    this.systemKey = new SystemKey(atoms);
  }

  private systemKey: SystemKey | null = null;

  /**
   * Brings the engine to `atoms`: a full `setAtoms` when species, cell, periodicity or masses
   * changed, otherwise only new positions (keeping neighbor lists and, for ECT, the weights).
   */
  sync(atoms: Atoms, source?: string): void {
    if (!this.systemKey?.matches(atoms)) this.setAtoms(atoms, source);
    else this.setPositions(atoms.positions);
  }

  protected setFrame(frame: CellFrame, pbc: readonly boolean[]): void {
    this.frame = frame;
    this.pbc = [pbc[0], pbc[1], pbc[2]];
    const hs: Field[] = ["h00", "h01", "h02", "h10", "h11", "h12", "h20", "h21", "h22"];
    const gs: Field[] = ["g00", "g01", "g02", "g10", "g11", "g12", "g20", "g21", "g22"];
    hs.forEach((f, i) => this.setCtx(f, frame.h[i]));
    gs.forEach((f, i) => this.setCtx(f, frame.g[i]));
    const reach = this.reach + this.skin;
    const margins: Field[] = ["marginA", "marginB", "marginC"];
    const pb: Field[] = ["pbcA", "pbcB", "pbcC"];
    for (let k = 0; k < 3; k++) {
      this.setCtx(pb[k], pbc[k] ? 1 : 0);
      // Open directions take no image shifts, so any finite margin check must pass.
      this.setCtx(margins[k], pbc[k] ? (reach / frame.widths[k]) * (1 + 1e-12) + 1e-12 : 1e300);
    }
  }

  /** Sets owned positions (A, row-major N x 3). The neighbor list is kept while it stays valid. */
  setPositions(positions: ArrayLike<number>): void {
    if (positions.length !== 3 * this.n) throw new InputError(`expected ${3 * this.n} coordinates, got ${positions.length}`);
    checkFinite(positions, "position", "structure");
    this.writeRows(positions, "x", "y", "z");
    this.forcesValid = false;
  }

  /** Writes `rows` (row-major N x 3) into the owned entries of the buffers x, y, z. */
  private writeRows(rows: ArrayLike<number>, x: string, y: string, z: string): void {
    deinterleave3(rows, this.f64(x), this.f64(y), this.f64(z), this.n);
  }

  /** Owned positions (A) as a new row-major N x 3 array (wrapped into the cell after a rebuild). */
  positions(): Float64Array {
    return this.arena.interleave("x", "y", "z", this.n);
  }
  /** Velocities (A/fs) as a new row-major N x 3 array. */
  velocities(): Float64Array {
    return this.arena.interleave("vx", "vy", "vz", this.n);
  }
  /** Sets velocities (A/fs, row-major N x 3). */
  setVelocities(v: ArrayLike<number>): void {
    if (v.length !== 3 * this.n) throw new InputError(`expected ${3 * this.n} velocity components, got ${v.length}`);
    checkFinite(v, "velocity", "structure");
    this.writeRows(v, "vx", "vy", "vz");
  }
  /** Masses in amu. */
  masses(): Float64Array {
    return Float64Array.from(this.f64("invMass").subarray(0, this.n), (v) => 1 / v);
  }
  /** Species of the owned atoms. */
  species(): string[] {
    return this.symbols.slice();
  }
  /** Frame the kernels use (rows a, b, c) and whether each direction is periodic. */
  cellInfo(): { frame: CellFrame; pbc: [boolean, boolean, boolean] } {
    if (!this.frame) throw new Error("no structure loaded");
    return { frame: this.frame, pbc: [...this.pbc] as [boolean, boolean, boolean] };
  }

  // ---------------------------------------------------------------- kernels
  /** Calls a kernel, growing the arrays it reports short, until it succeeds. */
  protected withGrowth(call: () => number, retry: () => number = call): void {
    let status = call();
    for (let attempt = 0; status !== 0; attempt++) {
      if (attempt > 20) throw new CalculationFailed(`neighbor arrays kept overflowing (${KERNEL_STATUS[status]})`);
      this.grow(status);
      status = retry();
    }
  }

  /**
   * Validates and stores the MD settings (dt in fs; neighbor checks every/delay as LAMMPS
   * neigh_modify) shared by every engine's `runVerlet`.
   */
  protected setVerletSettings(steps: number, dt: number, opts: { every?: number; delay?: number }): void {
    this.requireAtoms();
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    if (!(dt > 0) || !Number.isFinite(dt)) throw new InputError(`time step must be > 0 fs, got ${dt}`);
    this.setCtx("dt", dt);
    this.setCtx("every", opts.every ?? 1);
    this.setCtx("delay", opts.delay ?? 0);
  }

  /**
   * Runs `steps` MD steps in wasm chunks: `run(left)` steps until an array is short (a non-zero
   * status after the step's drift), then the arrays grow and `finish()` completes that step.
   * `afterChunk` runs after every chunk (e.g. checks of the results).
   */
  protected runVerletChunks(steps: number, run: (left: number) => number, finish: () => number, afterChunk?: () => void): void {
    let left = steps;
    while (left > 0) {
      const status = run(left);
      left -= this.getCtx("stepsDone");
      if (status !== 0) {
        this.grow(status);
        this.withGrowth(finish);
        left -= 1;
      }
      afterChunk?.();
    }
    this.listValid = true;
    this.checkResult();
  }

  protected grow(status: number): void {
    if (status === STATUS_GHOSTS) {
      this.ghostCapacity = Math.ceil(this.getCtx("needGhosts") * 1.2) + 64;
      this.capacity = this.n + this.ghostCapacity;
    } else if (status === STATUS_BINS) {
      this.binCapacity = Math.ceil(this.getCtx("needBins") * 1.2) + 64;
    } else if (status === STATUS_NEIGH) {
      this.neighCapacity = Math.ceil(this.getCtx("needNeigh") * 1.15) + 256;
    } else {
      throw new Error(`internal: unknown kernel status ${status}`);
    }
    this.layout();
  }

  /** Rebuilds ghosts and the neighbor list now (the force arrays serve as scratch: recompute after). */
  rebuild(): void {
    this.requireAtoms();
    this.withGrowth(() => this.rebuildKernel());
    this.listValid = true;
    this.forcesValid = false;
  }

  /** The kernel call that makes the ghosts and the neighbor list (a style with its own rebuild kernel overrides it). */
  protected rebuildKernel(): number {
    return this.k.rebuild(this.ctx);
  }

  /**
   * The owned atoms' neighbor-list segments, concatenated in their current order. The density
   * pass reorders each segment (in-cutoff neighbors to the front), so sums over a list depend on
   * its history; restarts save this order to continue bit for bit.
   */
  neighborOrder(): Int32Array {
    this.requireAtoms();
    if (!this.listValid) throw new Error("internal: no neighbor list to save");
    return this.neighborList.order(this.n);
  }

  /**
   * Puts back an order from {@link neighborOrder} into a list just rebuilt at the same positions and
   * cell (same neighbors, per segment, in another order). Throws when the neighbors differ.
   */
  setNeighborOrder(order: ArrayLike<number>): void {
    this.requireAtoms();
    if (!this.listValid) throw new Error("internal: rebuild the neighbor list before restoring its order");
    this.neighborList.restoreOrder(this.n, order);
  }

  /**
   * Where the neighbor list was last built (owned positions, A, N x 3, as that build wrapped them)
   * and the `runVerlet` steps since (what neigh_modify every/delay count). MD restarts of runs that
   * stay in wasm save these; see {@link setStepsSinceBuild} and {@link adoptForces}.
   */
  listOrigin(): { positions: Float64Array; stepsSinceBuild: number } {
    this.requireAtoms();
    return { positions: this.neighborList.origin(this.n), stepsSinceBuild: this.getCtx("sinceBuild") };
  }

  /** Sets the steps since the last build (a restart, after `rebuild` at the saved origin). */
  setStepsSinceBuild(steps: number): void {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps since the last neighbor build must be an integer >= 0, got ${steps}`);
    this.setCtx("sinceBuild", steps);
  }

  /**
   * Takes `forces` (eV/A, N x 3, e.g. from a restart) as the forces at the current positions, so the
   * next `runVerlet` starts without an evaluation (which would solve the charges once more).
   */
  adoptForces(forces: ArrayLike<number>): void {
    this.requireAtoms();
    if (forces.length !== 3 * this.n) throw new InputError(`expected ${3 * this.n} force components, got ${forces.length}`);
    checkFinite(forces, "force", "restart");
    this.writeRows(forces, "fx", "fy", "fz");
    this.forcesValid = true;
  }

  protected requireAtoms(): void {
    if (this.n === 0) throw new Error("no structure loaded: call setAtoms first");
  }

  protected checkResult(): void {
    const e = this.getCtx("energy");
    if (Number.isFinite(e)) return;
    const pair = this.closestPair();
    if (pair && pair.r < 1e-6) {
      throw new InputError(`atoms ${pair.i} and ${pair.j} are ${pair.r.toExponential(3)} A apart: two atoms on top of each other`, { atom: pair.i });
    }
    throw new CalculationFailed(`non-finite energy (${e})${pair ? `; closest pair: atoms ${pair.i} and ${pair.j} at ${pair.r} A` : ""}`);
  }

  /** Closest pair in the neighbor list (owned indices), for diagnostics. */
  closestPair(): { i: number; j: number; r: number } | null {
    return this.neighborList.closestPair(this.n, this.k.closestPairSlot(this.ctx));
  }

  /** Tallies the energy, per-atom energies and virial if the last MD steps skipped them. */
  protected ensureTallied(): void {
    if (this.tallied || !this.forcesValid) return;
    this.tallyNow();
    this.tallied = true;
  }
  /** That tally at the current positions, forces and trajectory unchanged (engines with `tally: false`). */
  protected tallyNow(): void {
    throw new Error("internal: this engine does not skip tallies");
  }

  /** Total potential energy in eV (after compute). */
  energy(): number {
    this.ensureTallied();
    return this.getCtx("energy");
  }
  /** Virial W_ab = sum over pairs of r_a f_b (eV), full 3x3 row-major. */
  virial(): Float64Array {
    this.ensureTallied();
    const [xx, yy, zz, yz, xz, xy] = (["vxx", "vyy", "vzz", "vyz", "vxz", "vxy"] as Field[]).map((f) => this.getCtx(f));
    return Float64Array.of(xx, xy, xz, xy, yy, yz, xz, yz, zz);
  }
  /** Forces (eV/A) as a new row-major N x 3 array. */
  forces(): Float64Array {
    return this.arena.interleave("fx", "fy", "fz", this.n);
  }
  /** Per-atom energies e_i = F_i + 1/2 sum_j phi_ij (eV), a new array. */
  energies(): Float64Array {
    this.ensureTallied();
    return this.f64("eatom").slice(0, this.n);
  }
  /** Host densities rho_i, a new array. */
  densities(): Float64Array {
    return this.f64("rho").slice(0, this.n);
  }
  /** Atoms whose density exceeded the embedding table (rhomax) in the last evaluation. */
  offTableCount(): number {
    return this.getCtx("offTable");
  }
  /** Neighbor statistics: builds so far, dangerous builds, ghosts, list entries. */
  neighborStats(): { builds: number; dangerous: number; ghosts: number; pairs: number } {
    return {
      builds: this.getCtx("builds"),
      dangerous: this.getCtx("dangerous"),
      ghosts: this.getCtx("nghost"),
      pairs: this.getCtx("needNeigh"),
    };
  }

  /** Kinetic energy (eV) of the owned atoms. */
  kineticEnergy(): number {
    return this.k.kineticEnergy(this.ctx);
  }
}

function checkFinite(a: ArrayLike<number>, what: string, source: string): void {
  for (let k = 0; k < a.length; k++) {
    if (!Number.isFinite(a[k])) {
      const atom = Math.floor(k / 3);
      throw new InputError(`${source}: atom ${atom} has a non-finite ${what} component ${"xyz"[k % 3]} = ${a[k]}`, { atom });
    }
  }
}

/**
 * Everything about a structure except positions and velocities (species, cell, periodicity, masses),
 * kept as copies and compared element by element: `sync` runs every MD step of the generic drivers,
 * where building a string of the whole structure cost more than the comparison.
 */
class SystemKey {
  private readonly symbols: string[];
  private readonly cell: Float64Array;
  private readonly pbc: boolean[];
  private readonly masses: Float64Array;

  constructor(atoms: Atoms) {
    this.symbols = atoms.symbols.slice();
    this.cell = Float64Array.from(atoms.cell);
    this.pbc = Array.from(atoms.pbc);
    this.masses = Float64Array.from(atoms.masses);
  }

  /** True when `atoms` has the same species, cell, periodicity and masses (Object.is on numbers). */
  matches(atoms: Atoms): boolean {
    const same = (a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean => {
      if (a.length !== b.length) return false;
      for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
      return true;
    };
    return same(this.symbols, atoms.symbols) && same(this.cell, atoms.cell) && same(this.pbc, atoms.pbc) && same(this.masses, atoms.masses);
  }
}
