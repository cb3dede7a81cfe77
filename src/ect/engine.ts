/**
 * `EctEngine`, ECT-EAM on the wasm kernels: a thin engine that places the model's tables
 * (table-layout.ts), loads structures with the point-charge sum and pair blocks they need, hands
 * each solve to the ensemble weight solver (ensemble-solver.ts) or to bond transfer
 * (bond-kernels.ts) through its kernel port (kernel-port.ts), runs NVE in wasm, and reads the
 * results (energy terms, Omega, charges, weights, electronegativities, dipole).
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { KernelSystem, type EngineOptions, type Field } from "../engine/system.js";
import { instantiateKernels, loadKernelModule, type EctKernelExports, type KernelExports, type KernelVariant } from "../engine/wasm.js";
import type { EctTables } from "./tables.js";
import { ewaldParameters, ewaldVectors } from "./longrange.js";
import { blockDirectory } from "./pair-blocks.js";
import { layoutEctTables, longRangeSettings, MAX_STATES, pairBlocksFor, typesPresent, type BlockSpec, type EctPairBlocks, type LongRangeKind } from "./table-layout.js";
import { EnsembleSolver, SOLVER_DEFAULTS, type EctSolverOptions, type SolverReport } from "./ensemble-solver.js";
import type { EctKernelPort } from "./kernel-port.js";
import { BondKernels } from "./bond-kernels.js";
import { BondTransfer, BOND_SOLVER_DEFAULTS, type BondSolverOptions } from "./transfer/bond-transfer.js";
import type { Polarization } from "./transfer/polarization.js";
import { PolarizationKernel, type InductionKernels } from "./transfer/polarization-kernel.js";
import { BondRefreshKernel } from "./transfer/bond-kernel.js";

export { MAX_STATES };
export type { EctSolverOptions, SolverReport };

/**
 * ECT-EAM on a KernelSystem: per-atom ensembles of isolated-atom states whose weights follow from
 * chemical-potential equalization at an electronic temperature (or, with bond transfer, from the
 * channel amplitudes of each bond), evaluated by the kernels in assembly/ect.ts and converged by
 * the ensemble solver (ensemble-solver.ts) or bond transfer (bond-kernels.ts), warm-started.
 */
export class EctEngine extends KernelSystem {
  readonly tables: EctTables;
  /**
   * Settings of the ensemble weight solver, passed to each solve (models without bond transfer):
   * change a field (`engine.solver.tolerance = 1e-13`) and the next evaluation uses it; a setting
   * that cannot drive a solve raises InputError there.
   */
  solver: Required<EctSolverOptions>;
  private lastReport: SolverReport = { iterations: 0, residual: 0, mu: 0 };
  /** The weight solver of models without bond transfer (ensemble-solver.ts). */
  private readonly ensemble: EnsembleSolver;

  /** Bond transfer (models with `"transfer": "bond"`), else null. */
  readonly bond: BondTransfer | null;
  /** Settings of the bond-transfer solver. */
  bondSolver: BondSolverOptions = { ...BOND_SOLVER_DEFAULTS };
  /** Induction (models with `polarization`), else null. */
  readonly polarization: Polarization | null;
  /** Bond transfer on the kernels (bond-kernels.ts), with the bond and induction energies of the last solve; else null. */
  private readonly bondKernels: BondKernels | null;

  private constructor(tables: EctTables, k: KernelExports, variant: KernelVariant, skin: number, source: string) {
    const lr = tables.longRange;
    const reach = ectReach(tables, tables.cutoff);
    super(k, variant, skin, tables.elements, reach, source);
    this.tables = tables;
    this.bond = tables.bond ? new BondTransfer(tables) : null;
    const port = this.port();
    this.polarization = tables.polarization ? new PolarizationKernel(tables.polarization, tables, port.induction!) : null;
    this.solver = { ...SOLVER_DEFAULTS };
    this.ensemble = new EnsembleSolver(port, tables);
    this.bondKernels = this.bond ? new BondKernels(port, this.bond, this.polarization) : null;
    this.placeEctTables(reach);
  }

  /**
   * Creates an engine for built ECT tables (see `buildEctTables`). `tierScratchLimit` (tests and
   * diagnostics): list segments longer than this many entries are tier-sorted in place instead of
   * through the scratch buffer, so that small systems exercise that path too (the results are the
   * same either way).
   */
  static async create(tables: EctTables, opts: EngineOptions & { source?: string; tierScratchLimit?: number } = {}): Promise<EctEngine> {
    const variant = opts.variant ?? "simd";
    const mod = opts.module ?? (await loadKernelModule(variant));
    const engine = new EctEngine(tables, instantiateKernels(mod), variant, opts.skin ?? 1.0, opts.source ?? "ECT-EAM model");
    // The per-step bond refresh in wasm, in an instance of its own (bond-kernel.ts says why).
    if (engine.bond) engine.bond.refreshKernel = new BondRefreshKernel(instantiateKernels(mod) as EctKernelExports, tables);
    if (opts.tierScratchLimit !== undefined) {
      if (!(Number.isInteger(opts.tierScratchLimit) && opts.tierScratchLimit >= 0)) throw new InputError(`tierScratchLimit must be a whole number >= 0, got ${opts.tierScratchLimit}`);
      engine.setCtx("tierScratchLimit", opts.tierScratchLimit);
    }
    return engine;
  }

  private get kx(): EctKernelExports {
    return this.k as EctKernelExports;
  }

  /** The engine's buffers, context and kernels as its solvers see them (kernel-port.ts). */
  private port(): EctKernelPort {
    const engine = this;
    return {
      get n() {
        return engine.n;
      },
      f64: (name) => this.f64(name),
      i32: (name) => this.raw(name) as Int32Array,
      get: (field) => this.getCtx(field),
      set: (field, value) => this.setCtx(field, value),
      evaluate: () => this.kx.ectEvaluate(this.ctx),
      updateWeights: () => this.kx.ectUpdateWeights(this.ctx),
      charges: () => this.kx.ectCharges(this.ctx),
      resonanceHessVec: () => this.kx.ectResonanceHessVec(this.ctx),
      energy: () => this.energy(),
      grandPotential: () => this.grandPotential(),
      periodic: () => this.cellInfo().pbc.some((p) => p),
      invalidateForces: () => {
        this.forcesValid = false;
      },
      induction: this.tables.polarization ? this.inductionKernels() : undefined,
    };
  }

  /** Candidate slots of the induction buffers placed after the other buffers (see {@link placeInduction}). */
  private polCapacity = 0;
  /** Counts the placements of the induction buffers (their contents are lost at each). */
  private polPlacements = 0;

  /**
   * Places the induction pair buffers after every other buffer (arena.ts, `placeTail`), for
   * `polCapacity` candidates: at every layout (which drops them) and when a list build has more
   * candidates. They grow without a new layout, which would lose the neighbor list of the solve.
   */
  private placeInduction(): void {
    const cap = Math.max(1, this.polCapacity);
    this.arena.placeTail([["polCand", 8 * cap], ["polCandShift", 24 * cap], ["polPair", 8 * cap], ["polRec", 96 * cap]]);
    this.polPlacements++;
  }

  /** The induction kernels (assembly/ect-polarization.ts) as `PolarizationKernel` sees them. */
  private inductionKernels(): InductionKernels {
    const engine = this;
    return {
      reserve: (candidates) => {
        if (candidates <= this.polCapacity) return;
        this.polCapacity = Math.ceil(candidates * 1.2) + 64;
        this.placeInduction();
      },
      get placements() {
        return engine.polPlacements;
      },
      f64: (name) => this.f64(name),
      i32: (name) => this.raw(name) as Int32Array,
      set: (field, value) => this.setCtx(field, value),
      ePol: () => this.getCtx("ePol"),
      refresh: () => this.kx.ectPolRefresh(this.ctx),
      energy: () => this.kx.ectPolEnergy(this.ctx),
      forces: () => this.kx.ectPolForces(this.ctx),
    };
  }

  protected extraPerAtom(): [Field, number][] {
    const induction: [Field, number][] = this.tables?.polarization
      ? [["polQ", 8], ["polAlpha", 8], ["polConfine", 8], ["polCoord", 8], ["polField", 24], ["polDq", 8], ["polEps", 8 * MAX_STATES]]
      : [];
    return [["weights", 8 * MAX_STATES], ["weightsNew", 8 * MAX_STATES], ["eps", 8 * MAX_STATES], ["charge", 8], ["potLR", 8], ["activeStates", 4], ["tierEnds", 12], ...induction];
  }

  private kvecs: Float64Array = new Float64Array(0);

  protected extraRegions(): [Field, number][] {
    const nk = this.kvecs.length / 4;
    return [
      ["kvecs", Math.max(32, this.kvecs.byteLength)], ["ewaldSums", Math.max(16, 16 * nk)],
      ["pairM", 4 * this.neighCapacity], ["pairP", 8 * this.neighCapacity],
      ["coulRecords", this.blocks?.coul.data.byteLength ?? 8], ["innerRecords", this.blocks?.inner.data.byteLength ?? 8],
      ["coulBlocks", 4 * this.elements.length ** 2], ["innerBlocks", 4 * this.elements.length ** 2],
      ["polTypes", 64 * this.elements.length],
    ];
  }

  protected afterLayout(): void {
    this.f64("kvecs").set(this.kvecs);
    const pol = this.tables.polarization;
    if (pol) {
      // Per element: damping length, confinement strength and radius, pad, alpha of each state slot.
      const rows = this.f64("polTypes");
      pol.damping.forEach((rho, t) => {
        rows.set([rho, pol.confineStrength[t], pol.confineRadius[t], 0], 8 * t);
        pol.alpha[t].forEach((a, m) => (rows[8 * t + 4 + m] = a));
      });
      this.setCtx("polCutoff", pol.cutoff);
      this.setCtx("polTaper", pol.taper);
      this.setCtx("polConfined", pol.confineStrength.some((g) => g > 0) ? 1 : 0);
      this.placeInduction();
    }
    this.setCtx("nk", this.kvecs.length / 4);
    const b = this.blocks;
    if (b) {
      const nt = this.elements.length;
      this.f64("coulRecords").set(b.coul.data);
      this.f64("innerRecords").set(b.inner.data);
      (this.raw("coulBlocks") as Int32Array).set(blockDirectory(b.coul, nt, this.getCtx("coulRecords")));
      (this.raw("innerBlocks") as Int32Array).set(blockDirectory(b.inner, nt, this.getCtx("innerRecords")));
      this.setCtx("coulStride", b.coul.stride * 8);
      this.setCtx("innerStride", b.inner.stride * 8);
    }
  }

  /** How the pair blocks are tabulated (set with the tables); see {@link usePairBlocksFor}. */
  private blockSpec!: BlockSpec;
  /** Pair blocks of the element types of the loaded structure (src/ect/pair-blocks.ts). */
  private blocks: EctPairBlocks | null = null;

  /**
   * Builds the pair blocks for the element types of `atoms` (species not in the model are left to
   * setAtoms' error); returns true when the set changed (the buffers must then be laid out again).
   */
  private usePairBlocksFor(atoms: Atoms): boolean {
    const types = typesPresent(this.elements, atoms.symbols);
    const have = this.blocks?.coul.types;
    const fold = this.lrActive !== "direct";
    if (have && this.blocksFolded === fold && have.length === types.length && have.every((t, k) => t === types[k])) return false;
    this.blocks = pairBlocksFor(this.tables, this.blockSpec, types, fold);
    this.blocksFolded = fold;
    // The lists reach only as far as this structure's pairs need (remainder cutoffs are per element pair).
    this.setCtx("shortCutoff", this.blocks.shortCutoff);
    this.setCtx("remainderCutoff", this.blocks.remainderCutoff);
    this.setReach(ectReach(this.tables, this.blocks.shortCutoff));
    return true;
  }

  /** Whether the current pair blocks carry the folded long-range kernel. */
  private blocksFolded = false;
  /**
   * The point-charge sum in use: the model's for structures with a periodic direction; the exact
   * direct sum for clusters and molecules, whatever the model's periodic choice (a damped or Ewald
   * sum of an isolated molecule would add their self terms as if it sat in a neutralizing medium).
   */
  private lrActive: LongRangeKind = "direct";

  /** Switches the kernels' point-charge sum (setAtoms: direct for non-periodic structures). */
  private useLongRange(kind: LongRangeKind): void {
    this.lrActive = kind;
    for (const [field, value] of longRangeSettings(kind, this.tables.longRange, this.blockSpec.fold !== undefined, this.lrTableAddress)) this.setCtx(field, value);
  }

  /** Address of the tabulated long-range kernel (0 for direct models). */
  private lrTableAddress = 0;

  protected preservedPerAtom(): [string, number][] {
    return [...super.preservedPerAtom(), ["weights", MAX_STATES]];
  }

  /** Places the tables (src/ect/table-layout.ts) after the context block and sets the grids, cutoffs and sum. */
  private placeEctTables(reach: number): void {
    const layout = layoutEctTables(this.tables, reach, this.tablesEnd);
    this.blockSpec = layout.blockSpec;
    this.placeTables(layout.tables);
    if (this.getCtx("embedTable") !== layout.embedBase) throw new Error("internal: table layout changed");
    this.lrTableAddress = layout.lrTableAddress;
    for (const [field, value] of layout.settings) this.setCtx(field, value);
    this.useLongRange(this.tables.longRange.kind);
  }

  /**
   * Loads a structure; weights start from the neutral state of every atom (or `initialWeights`, N x 4).
   * `totalCharge` (e) overrides the model's.
   */
  setAtoms(atoms: Atoms, source = "structure", opts: { totalCharge?: number } = {}): void {
    if (this.tables.longRange.kind === "direct" && atoms.pbc.some((p) => p)) {
      throw new InputError(`${source}: the model sums point charges directly, which needs a non-periodic structure (pbc F F F); use electrostatics.longRange "dsf" or "ewald" for periodic cells`);
    }
    const lr = this.tables.longRange;
    const periodic = atoms.pbc.some((p) => p);
    const previousKind = this.lrActive;
    this.useLongRange(periodic ? lr.kind : "direct");
    if (lr.kind === "ewald" && periodic) {
      if (!atoms.pbc.every((p) => p)) throw new InputError(`${source}: Ewald summation needs a cell periodic in all three directions`);
      const { alpha, kmax } = ewaldParameters(lr.cutoff, lr.ewaldAccuracy);
      this.kvecs = ewaldVectors(atoms.cell, alpha, kmax, this.tables.coulombConstant);
    }
    const kept = this.blocks, keptFolded = this.blocksFolded;
    const newBlocks = this.usePairBlocksFor(atoms);
    try {
      super.setAtoms(atoms, source);
    } catch (err) {
      // the loaded structure keeps its blocks and sum (super validates before it changes anything)
      this.blocks = kept;
      this.blocksFolded = keptFolded;
      if (kept) {
        this.setCtx("shortCutoff", kept.shortCutoff);
        this.setCtx("remainderCutoff", kept.remainderCutoff);
        this.setReach(ectReach(this.tables, kept.shortCutoff));
      }
      this.useLongRange(previousKind);
      throw err;
    }
    if (newBlocks || this.lrActive === "ewald") this.relayout();
    if (this.lrActive === "ewald") {
      const { alpha } = ewaldParameters(lr.cutoff, lr.ewaldAccuracy);
      this.setCtx("ewaldBackground", (Math.PI * this.tables.coulombConstant) / (2 * atoms.volume() * alpha * alpha));
    }
    this.totalCharge = opts.totalCharge ?? this.tables.totalCharge;
    if (!Number.isFinite(this.totalCharge)) throw new InputError(`${source}: total charge must be a finite number of e, got ${this.totalCharge}`);
    this.resetWeights();
  }

  private totalCharge = 0;

  /** Every atom in its neutral state; the electron target from the total charge; next solve is cold. */
  private resetWeights(): void {
    this.bond?.reset(this.totalCharge);
    this.polarization?.invalidate();
    this.ensemble.reset(this.totalCharge);
    this.forcesValid = false;
  }

  /** Energy, forces and latent variables at the current positions (weights solved first). */
  compute(): void {
    this.evaluate(true);
  }

  /** Solve and forces; `tally` adds per-atom energies and the virial (MD skips them between outputs). */
  private evaluate(tally: boolean): void {
    this.setCtx("tally", tally ? 1 : 0);
    this.requireAtoms();
    // Atoms may have moved: the first evaluation of this solve sorts the list into distance tiers.
    this.setCtx("tiersValid", 0);
    if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
    this.solve();
    // The last eps pass of the solve ran with pair forces on, at the weights kept: add the rest.
    this.kx.ectForceTail(this.ctx);
    this.bondKernels?.addForces(tally);
    this.forcesValid = true;
    this.checkResult();
  }

  /**
   * Converges the weights (or, with bond transfer, the channel amplitudes) at the current positions:
   * the ensemble solver (ensemble-solver.ts) with the settings in {@link solver}.
   */
  private solve(): void {
    this.lastReport = this.bondKernels ? this.bondKernels.solve(this.bondSolver) : this.ensemble.solve(this.solver);
  }

  /**
   * The solver's warm start: weights (N rows of `MAX_STATES`) and the chemical potential mu (eV).
   * With {@link setSolverState} a saved run continues exactly as the uninterrupted one (restarts).
   */
  solverState(): { weights: Float64Array; mu: number } {
    this.requireAtoms();
    // Bond transfer: the channel amplitudes by bond identity (BondTransfer.exportState).
    if (this.bond) return { weights: this.bond.exportState(this.n), mu: 0 };
    return this.ensemble.exportState();
  }

  /**
   * Makes `state` (from {@link solverState}, same atoms) the warm start of the next solve, instead
   * of the cold multi-start search. Call after `setAtoms`/`sync`, which reset the weights.
   */
  setSolverState(state: { weights: ArrayLike<number>; mu: number }): void {
    this.requireAtoms();
    if (this.bond) {
      this.bond.importState(state.weights, this.n);
      this.forcesValid = false;
      return;
    }
    this.ensemble.importState(state);
    this.forcesValid = false;
  }

  /** Forgets the weights: the next evaluation starts from neutral atoms and anneals. */
  coldStart(): void {
    if (this.n === 0) return; // nothing loaded yet: the first structure starts cold anyway
    this.resetWeights();
  }

  /**
   * Velocity-Verlet NVE with the weights re-solved at every step (warm-started from the last step's);
   * the conserved quantity is the grand potential plus kinetic energy. `onStep` sees each step.
   */
  runVerlet(steps: number, dt: number, onStep?: (step: number) => void): { iterations: number } {
    this.requireAtoms();
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    if (!(dt > 0) || !Number.isFinite(dt)) throw new InputError(`time step must be > 0 fs, got ${dt}`);
    this.setCtx("dt", dt);
    if (!this.forcesValid) this.compute();
    let iterations = 0;
    for (let s = 1; s <= steps; s++) {
      this.kx.initialIntegrate(this.ctx);
      // Per-atom energies and the virial are tallied on the last step only: inside onStep,
      // energies, Omega, forces and charges are current, per-atom energies and the virial are not.
      this.evaluate(s === steps);
      this.kx.finalIntegrate(this.ctx);
      iterations += this.lastReport.iterations;
      onStep?.(s);
    }
    return { iterations };
  }

  /**
   * Bond transfer: energy E (eV) at latent variables `x` (channel amplitudes i->j of every bond, then
   * j->i, then one reservoir amplitude per atom; the layout of `bond.x`) at the current positions and
   * bonds of the last solve, without solving; `grad` receives dE/dx. For tests and diagnostics: the
   * solved state is restored afterwards.
   */
  transferEnergyAt(x: Float64Array, grad?: Float64Array): number {
    const bk = this.bondKernels;
    if (!bk || !bk.solved) throw new InputError("transferEnergyAt needs a bond-transfer model and a solved structure");
    if (x.length !== bk.bond.x.length) throw new InputError(`transferEnergyAt: expected ${bk.bond.x.length} variables, got ${x.length}`);
    return bk.energyAt(x, grad ?? new Float64Array(x.length));
  }

  /**
   * Bond transfer: E (eV) at the current positions with the latent variables of the warm start set
   * by {@link setSolverState}, without minimizing (the Hellmann-Feynman parameter derivatives of a
   * fit: E is stationary in the variables, so dE/dp is the derivative at fixed variables).
   */
  energyAtSolverState(): number {
    const bk = this.bondKernels;
    if (!bk) throw new InputError("energyAtSolverState needs a bond-transfer model");
    this.requireAtoms();
    this.setCtx("tiersValid", 0);
    if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
    return bk.energyAtState();
  }

  /** The solver's last report. */
  solverReport(): SolverReport {
    return { ...this.lastReport };
  }

  /** Total energy E in eV. */
  energy(): number {
    const bk = this.bondKernels;
    return this.getCtx("eOnsite") + this.getCtx("ePair") + this.getCtx("eLong") + (bk ? bk.eBonds + bk.ePol : 0);
  }

  /** The parts of E (eV): on-site sum_M w (E_AM + F_AM), short-range pairs and Coulomb remainder, long-range point charges. */
  energyTerms(): { onsite: number; pair: number; longRange: number; bonds: number; induction: number } {
    return { onsite: this.getCtx("eOnsite"), pair: this.getCtx("ePair"), longRange: this.getCtx("eLong"), bonds: this.bondKernels?.eBonds ?? 0, induction: this.bondKernels?.ePol ?? 0 };
  }

  /** Grand potential Omega = E - kT sum_i S_i (eV), the quantity forces derive from. */
  grandPotential(): number {
    return this.energy() - this.tables.kT * this.entropy();
  }

  /**
   * Grand potential Omega (eV) at given weights (N rows of MAX_STATES slots, as `weights()` returns),
   * at the current positions and without solving: for diagnostics and for checking the solver
   * against other minimizations. The solved weights and the kernels' state are restored afterwards.
   */
  grandPotentialAt(weights: ArrayLike<number>): number {
    this.requireAtoms();
    const size = this.n * MAX_STATES;
    if (weights.length !== size) throw new InputError(`grandPotentialAt: expected ${size} weights (${this.n} atoms x ${MAX_STATES} slots), got ${weights.length}`);
    if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
    this.setCtx("tiersValid", 0);
    const w = this.f64("weights");
    const kept = w.slice(0, size);
    const forces = this.getCtx("epsForces");
    this.setCtx("epsForces", 0);
    try {
      for (let k = 0; k < size; k++) w[k] = weights[k];
      this.kx.ectEvaluate(this.ctx);
      return this.grandPotential();
    } finally {
      this.f64("weights").set(kept);
      this.setCtx("epsForces", forces);
      this.kx.ectEvaluate(this.ctx);
      this.forcesValid = false;
    }
  }

  /** Ensemble entropy sum_i S_i = -sum_iM w ln w (dimensionless). */
  entropy(): number {
    const w = this.f64("weights");
    let s = 0;
    for (let k = 0; k < this.n * MAX_STATES; k++) if (w[k] > 0) s -= w[k] * Math.log(w[k]);
    return s;
  }

  /** Charges q_i (e), a new array. */
  charges(): Float64Array {
    return this.f64("charge").slice(0, this.n);
  }

  /** Weights as N rows of 4 slots (unused slots 0), a new array. */
  weights(): Float64Array {
    return this.f64("weights").slice(0, this.n * MAX_STATES);
  }

  /** Local electronegativities mu_i = dE/dN_i (eV): the weighted slope of eps over electron counts. */
  electronegativities(): Float64Array {
    const eps = this.f64("eps"), w = this.f64("weights");
    const types = this.raw("type") as Int32Array;
    const out = new Float64Array(this.n);
    const mu = this.getCtx("mu");
    for (let i = 0; i < this.n; i++) {
      const st = this.tables.states[types[i]];
      // Thermal average of d eps / dN along the states: cov(eps, N) / var(N).
      let mN = 0, mE = 0;
      st.forEach((s, m) => {
        mN += w[i * MAX_STATES + m] * s.electrons;
        mE += w[i * MAX_STATES + m] * eps[i * MAX_STATES + m];
      });
      let cov = 0, varN = 0;
      st.forEach((s, m) => {
        const d = s.electrons - mN;
        cov += w[i * MAX_STATES + m] * d * (eps[i * MAX_STATES + m] - mE);
        varN += w[i * MAX_STATES + m] * d * d;
      });
      // A pure state has no spread in N: its atom sits at the global chemical potential.
      out[i] = varN > 1e-300 ? cov / varN : mu;
    }
    return out;
  }

  /**
   * Dipole moment sum_i q_i r_i (e*A) of the owned atoms at their current (wrapped) positions, plus
   * the induced dipoles of models with polarization.
   */
  dipole(): [number, number, number] {
    const q = this.f64("charge"), x = this.f64("x"), y = this.f64("y"), z = this.f64("z");
    const d: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < this.n; i++) {
      d[0] += q[i] * x[i];
      d[1] += q[i] * y[i];
      d[2] += q[i] * z[i];
    }
    // Models with induction: the induced dipoles alpha_i E_i at the solution add to the charges'.
    if (this.polarization && this.bond?.bonds) {
      const mu = this.polarization.dipole();
      for (let k = 0; k < 3; k++) d[k] += mu[k];
    }
    return d;
  }
}

/** Neighbour reach minus skin (A): the short-range cutoff, the long-range sum's, the bonds' screeners and the induction. */
function ectReach(tables: EctTables, shortCutoff: number): number {
  const lr = tables.longRange;
  return Math.max(shortCutoff, lr.kind === "direct" ? 0 : lr.cutoff, tables.bond?.reach ?? 0, tables.polarization?.cutoff ?? 0);
}
