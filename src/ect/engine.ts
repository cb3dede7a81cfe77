import type { Atoms } from "../atoms.js";
import { CalculationFailed, InputError } from "../errors.js";
import { KernelSystem, type EngineOptions, type Field } from "../engine/system.js";
import { instantiateKernels, loadKernelModule, type KernelExports, type KernelVariant } from "../engine/wasm.js";
import type { EctTables } from "./tables.js";
import { ewaldParameters, ewaldVectors } from "./longrange.js";
import { AndersonMixer } from "./anderson.js";
import { blockDirectory } from "./pair-blocks.js";
import { layoutEctTables, longRangeSettings, MAX_STATES, pairBlocksFor, typesPresent, type BlockSpec, type EctPairBlocks, type LongRangeKind } from "./table-layout.js";
import { minimizeWeights, type WeightSystem } from "./solver-newton.js";
import { BondTransfer, BOND_SOLVER_DEFAULTS, type BondSolverOptions } from "./transfer/bond-transfer.js";
import { bondForces } from "./transfer/bonds.js";
import type { NeighborView } from "./transfer/bond-list.js";
import { Polarization } from "./transfer/polarization.js";
import { transferEnergy, TransferWork, weightsFromVariables, type MeanFieldSystem } from "./transfer/transfer-energy.js";

export { MAX_STATES };
/** Atoms closer than this (A) belong to the same fragment for the solver's cold-start search. */
const BOND_RANGE = 4.0;
/** Iteration budget of each cold-start candidate (and of each annealing level). */
const COLD_START_ITERATIONS = 150;
/** Trust-region iterations and energy evaluations allowed to one Newton solve. */
const NEWTON_ITERATIONS = 200;
const NEWTON_EVALUATIONS = 20000;
/** Weight moved from each atom's start state into its other ionic states in resonance-seeded starts. */
const RESONANCE_SEED = 0.02;
/** Share of the Boltzmann weights mixed into a start before Newton, so that no state is exactly empty. */
const THERMAL_SEED = 1e-8;
/** Largest atom move since the last solve (A) for which the next start is extrapolated (resonance models). */
const EXTRAPOLATE_MAX_MOVE = 0.25;

/** Kernel functions the ECT engine calls (besides the shared ones). */
interface EctKernels extends KernelExports {
  initialIntegrate(ctx: number): void;
  finalIntegrate(ctx: number): void;
  ectEvaluate(ctx: number): void;
  ectUpdateWeights(ctx: number): number;
  ectForceTail(ctx: number): void;
  ectCharges(ctx: number): void;
  ectResonanceHessVec(ctx: number): void;
  rebuild(ctx: number): number;
}

/** Weight-solver settings. */
export interface EctSolverOptions {
  /** Convergence: largest weight change between iterations (default 1e-11). */
  tolerance?: number;
  /** Iteration limit (default 1000); exceeding it raises CalculationFailed. */
  maxIterations?: number;
  /** Anderson mixing parameter (default 0.5) and history depth (default 8). */
  mixing?: number;
  history?: number;
  /** Cold starts anneal the electronic temperature from this kT (eV, default 0.25) down to the model's. */
  annealFrom?: number;
}

/** What the weight solver did in the last evaluation. */
export interface SolverReport {
  iterations: number;
  /** Largest weight change of the last iteration. */
  residual: number;
  /** Electron chemical potential, eV. */
  mu: number;
}

/**
 * ECT-EAM on a KernelSystem: per-atom ensembles of isolated-atom states whose weights follow from
 * chemical-potential equalization at an electronic temperature, evaluated by the kernels in
 * assembly/ect.ts and converged here (Anderson-accelerated fixed point, warm-started).
 */
export class EctEngine extends KernelSystem {
  readonly tables: EctTables;
  solver: Required<EctSolverOptions>;
  private lastReport: SolverReport = { iterations: 0, residual: 0, mu: 0 };
  private cold = true;

  /** Bond transfer (models with `"transfer": "bond"`), else null. */
  readonly bond: BondTransfer | null;
  /** Settings of the bond-transfer solver. */
  bondSolver: BondSolverOptions = { ...BOND_SOLVER_DEFAULTS };
  /** Energy of the bond terms at the last solve (eV). */
  private eBonds = 0;
  /** Induction (models with `polarization`), else null. */
  readonly polarization: Polarization | null;
  /** Induction energy of the last mean-field evaluation (eV). */
  private ePol = 0;

  private constructor(tables: EctTables, k: KernelExports, variant: KernelVariant, skin: number, source: string) {
    const lr = tables.longRange;
    const reach = Math.max(tables.cutoff, lr.kind === "direct" ? 0 : lr.cutoff, tables.bond?.maxCutoff ?? 0, tables.polarization?.cutoff ?? 0);
    super(k, variant, skin, tables.elements, reach, source);
    this.tables = tables;
    this.bond = tables.bond ? new BondTransfer(tables) : null;
    this.polarization = tables.polarization ? new Polarization(tables.polarization, tables) : null;
    this.solver = { tolerance: 1e-11, maxIterations: 1000, mixing: 0.5, history: 8, annealFrom: 0.25 };
    this.placeEctTables(reach);
  }

  /** Creates an engine for built ECT tables (see `buildEctTables`). */
  static async create(tables: EctTables, opts: EngineOptions & { source?: string } = {}): Promise<EctEngine> {
    const variant = opts.variant ?? "simd";
    const mod = opts.module ?? (await loadKernelModule(variant));
    return new EctEngine(tables, instantiateKernels(mod), variant, opts.skin ?? 1.0, opts.source ?? "ECT-EAM model");
  }

  private get kx(): EctKernels {
    return this.k as EctKernels;
  }

  protected extraPerAtom(): [Field, number][] {
    return [["weights", 8 * MAX_STATES], ["weightsNew", 8 * MAX_STATES], ["eps", 8 * MAX_STATES], ["charge", 8], ["potLR", 8], ["activeStates", 4], ["tierEnds", 12]];
  }

  private kvecs: Float64Array = new Float64Array(0);

  protected extraRegions(): [Field, number][] {
    const nk = this.kvecs.length / 4;
    return [
      ["kvecs", Math.max(32, this.kvecs.byteLength)], ["ewaldSums", Math.max(16, 16 * nk)],
      ["pairM", 4 * this.neighCapacity], ["pairP", 8 * this.neighCapacity],
      ["coulRecords", this.blocks?.coul.data.byteLength ?? 8], ["innerRecords", this.blocks?.inner.data.byteLength ?? 8],
      ["coulBlocks", 4 * this.elements.length ** 2], ["innerBlocks", 4 * this.elements.length ** 2],
    ];
  }

  protected afterLayout(): void {
    this.f64("kvecs").set(this.kvecs);
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
    this.previousWeights = null;
    this.startWeights(false);
    this.setCtx("mu", 0);
    this.cold = true;
    this.forcesValid = false;
  }

  /**
   * Initial weights: every atom neutral, or (ionic) cation/anion pairs formed greedily from the most
   * electropositive and most electronegative atoms (chi = (IP + EA)/2 from the state energies) while
   * their chi differ by more than 1 eV. Sets the electron target from the total charge.
   */
  private startWeights(ionic: boolean): void {
    const t = this.tables;
    const types = this.raw("type") as Int32Array;
    const w = this.f64("weights");
    w.fill(0, 0, this.n * MAX_STATES);
    let electrons = 0;
    const pick = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const states = t.states[types[i]];
      pick[i] = states.findIndex((s) => s.charge === 0);
      electrons += states[pick[i]].electrons;
    }
    if (ionic) {
      const chi = (i: number) => {
        const st = t.states[types[i]];
        const cation = st.find((s) => s.charge === 1), anion = st.find((s) => s.charge === -1);
        return cation && anion ? 0.5 * (cation.energy - anion.energy) : NaN;
      };
      const order = Array.from({ length: this.n }, (_, i) => i).filter((i) => Number.isFinite(chi(i)));
      order.sort((a, b) => chi(a) - chi(b));
      for (let lo = 0, hi = order.length - 1; lo < hi && chi(order[hi]) - chi(order[lo]) > 1; lo++, hi--) {
        const a = order[lo], b = order[hi];
        pick[a] = t.states[types[a]].findIndex((s) => s.charge === 1);
        pick[b] = t.states[types[b]].findIndex((s) => s.charge === -1);
      }
    }
    for (let i = 0; i < this.n; i++) w[i * MAX_STATES + pick[i]] = 1;
    this.setCtx("nTotal", electrons - this.totalCharge);
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
    if (this.bond) this.addBondForces(tally);
    this.forcesValid = true;
    this.checkResult();
  }

  /**
   * Converges the weights at the current positions. From a cold start (new structure, or `coldStart`)
   * the electronic temperature is annealed from `annealFrom` down to the model's kT, warm-starting each
   * level: at high kT the grand potential has a single minimum, and following it down finds the lowest
   * basin (ionic or neutral) instead of the stationary point nearest the neutral-atom guess. Otherwise
   * the previous weights are the start (MD, scans), which follows a basin adiabatically.
   */
  private solve(): void {
    if (this.bond) {
      this.solveBonds();
      return;
    }
    const target = this.tables.kT;
    let total = 0;
    this.spent = 0;
    this.setCtx("epsForces", 0);
    if (this.cold) {
      // Several starts, keep the lowest grand potential. The neutral-atom start finds covalent and
      // neutral ground states but stays in the neutral basin of ionic systems (transferring a little
      // charge costs IP - EA to first order; the Coulomb gain is second order). The ionic start puts
      // the most electropositive atoms in their cation and the most electronegative in their anion
      // state. Annealing follows the high-kT minimum down. With resonance couplings, the neutral and
      // ionic starts are also tried with some weight in every ionic state: the clamp at 1e-14 makes
      // pure states local minima (a pocket where the coupling is off), and a seeded start lies in
      // the basin of the mixed (avoided-crossing) minimum. Failed starts are skipped.
      const size = this.n * MAX_STATES;
      let best: { omega: number; w: Float64Array; mu: number } | null = null;
      let lastError: unknown = null;
      const starts: { ionic: boolean; seed: boolean; anneal: boolean }[] = [
        { ionic: false, seed: false, anneal: false },
        { ionic: true, seed: false, anneal: false },
        { ionic: false, seed: false, anneal: true },
      ];
      if (this.hasResonance()) starts.push({ ionic: false, seed: true, anneal: false }, { ionic: true, seed: true, anneal: false });
      for (const start of starts) {
        this.startWeights(start.ionic);
        if (start.seed) this.seedResonance();
        try {
          // Candidates get a shorter budget than a warm solve: a start that does not settle quickly
          // is usually heading for a basin another start reaches directly.
          const budget = Math.min(this.solver.maxIterations, COLD_START_ITERATIONS);
          total += start.anneal ? this.anneal(target, budget) : this.converge(this.solver.tolerance, budget);
        } catch (err) {
          if (!(err instanceof CalculationFailed)) throw err;
          lastError = err;
          continue;
        }
        this.kx.ectEvaluate(this.ctx);
        const omega = this.grandPotential();
        if (!best || omega < best.omega - 1e-12 * Math.max(1, Math.abs(omega))) {
          best = { omega, w: this.f64("weights").slice(0, size), mu: this.getCtx("mu") };
        }
      }
      if (!best) throw lastError;
      // Fragment by fragment (molecules further apart than BOND_RANGE), try the other starts with
      // the rest kept: the best global candidate can pair the wrong fragments' states, and size
      // consistency needs each fragment in its own best basin.
      const fragments = this.fragments();
      if (fragments.length > 1) {
        for (const atomsOf of fragments) {
          for (const ionic of [false, true]) {
            for (const seed of this.hasResonance() ? [false, true] : [false]) {
              const trial = best.w.slice();
              this.startWeights(ionic);
              if (seed) this.seedResonance();
              const start = this.f64("weights");
              for (const i of atomsOf) for (let m = 0; m < MAX_STATES; m++) trial[i * MAX_STATES + m] = start[i * MAX_STATES + m];
              this.f64("weights").set(trial);
              this.setCtx("mu", best.mu);
              try {
                total += this.converge(this.solver.tolerance);
              } catch (err) {
                if (!(err instanceof CalculationFailed)) throw err;
                continue;
              }
              this.kx.ectEvaluate(this.ctx);
              const omega = this.grandPotential();
              if (omega < best.omega - 1e-12 * Math.max(1, Math.abs(omega))) {
                best = { omega, w: this.f64("weights").slice(0, size), mu: this.getCtx("mu") };
              }
            }
          }
        }
      }
      this.f64("weights").set(best.w);
      this.setCtx("mu", best.mu);
      this.setCtx("epsForces", 1);
      this.kx.ectEvaluate(this.ctx);
      // The residual belongs to the kept weights (ectUpdateWeights leaves them and the kernels alone).
      this.lastResidual = this.fixedPointResidual();
    } else {
      // Warm start: usually converged at the first evaluation, whose pair forces are then final.
      this.setCtx("epsForces", 1);
      const size = this.n * MAX_STATES;
      // Along a trajectory (small moves since the last solve) models with resonance start from
      // weights extrapolated from the last two solutions.
      const smooth = this.maxMoveSinceSolve() <= EXTRAPOLATE_MAX_MOVE;
      const last = this.hasResonance() && smooth ? this.f64("weights").slice(0, size) : null;
      if (last && this.previousWeights) this.extrapolateWeights(last, this.previousWeights);
      try {
        this.evaluated = false;
        total += this.converge(this.solver.tolerance, Math.min(200, this.solver.maxIterations));
        this.previousWeights = last;
      } catch (err) {
        // The basin followed from the last step vanished (an ionic state turning unstable as a bond
        // stretches): start again from neutral atoms with annealing.
        if (!(err instanceof CalculationFailed)) throw err;
        const before = this.spent;
        this.resetWeights();
        this.solve();
        this.lastReport.iterations += before;
        return;
      }
      // The kernels' state belongs to the converged weights already (see iterate).
      if (!this.evaluated) this.kx.ectEvaluate(this.ctx);
    }
    // Every evaluation counts, including those of starts that were abandoned.
    this.lastReport = { iterations: Math.max(total, this.spent), residual: this.lastResidual, mu: this.getCtx("mu") };
    this.cold = false;
    this.rememberPositions();
  }

  /** Positions (x, y, z of the owned atoms, A) of the last solve, for {@link maxMoveSinceSolve}. */
  private solvedPositions: Float64Array | null = null;

  private rememberPositions(): void {
    const x = this.f64("x"), y = this.f64("y"), z = this.f64("z");
    const p = this.solvedPositions?.length === 3 * this.n ? this.solvedPositions : new Float64Array(3 * this.n);
    for (let i = 0; i < this.n; i++) {
      p[3 * i] = x[i];
      p[3 * i + 1] = y[i];
      p[3 * i + 2] = z[i];
    }
    this.solvedPositions = p;
  }

  /** Largest displacement of an atom since the last solve (A); Infinity when there is none. */
  private maxMoveSinceSolve(): number {
    const p = this.solvedPositions;
    if (!p || p.length !== 3 * this.n) return Infinity;
    const x = this.f64("x"), y = this.f64("y"), z = this.f64("z");
    let m2 = 0;
    for (let i = 0; i < this.n; i++) {
      const dx = x[i] - p[3 * i], dy = y[i] - p[3 * i + 1], dz = z[i] - p[3 * i + 2];
      m2 = Math.max(m2, dx * dx + dy * dy + dz * dz);
    }
    return Math.sqrt(m2);
  }

  /**
   * Converged weights of the solve before the last one, while consecutive warm solves follow one
   * trajectory (models with resonance couplings only): the next start is extrapolated from the two.
   */
  private previousWeights: Float64Array | null = null;

  /**
   * Start of the next warm solve: linear extrapolation in square-root weights from the last two
   * solutions, s = 2 s_last - s_previous (clipped at 0, each atom renormalized; the Newton solver
   * restores the electron count). Along an MD trajectory this start is O(dt^2) from the answer
   * instead of O(dt), which saves Newton iterations.
   */
  private extrapolateWeights(last: Float64Array, previous: Float64Array): void {
    const w = this.f64("weights");
    const types = this.raw("type") as Int32Array;
    for (let i = 0; i < this.n; i++) {
      const ns = this.tables.states[types[i]].length;
      let sum = 0;
      for (let m = 0; m < ns; m++) {
        const k = i * MAX_STATES + m;
        const s = Math.max(0, 2 * Math.sqrt(last[k]) - Math.sqrt(previous[k]));
        w[k] = s * s;
        sum += w[k];
      }
      for (let m = 0; m < ns; m++) w[i * MAX_STATES + m] = sum > 0 ? w[i * MAX_STATES + m] / sum : last[i * MAX_STATES + m];
    }
  }

  /** True when the model has resonance couplings (their cutoff is set only then). */
  private hasResonance(): boolean {
    return this.getCtx("resCutoff") > 0;
  }

  /**
   * Moves RESONANCE_SEED of each atom's dominant weight into its other cation/neutral/anion states
   * (half each), for elements that have all three. The electron count is restored by the solver.
   */
  private seedResonance(): void {
    const types = this.raw("type") as Int32Array;
    const w = this.f64("weights");
    for (let i = 0; i < this.n; i++) {
      const st = this.tables.states[types[i]];
      const roles = [1, 0, -1].map((q) => st.findIndex((s) => s.charge === q));
      if (roles.some((m) => m < 0)) continue;
      let top = roles[0];
      for (const m of roles) if (w[i * MAX_STATES + m] > w[i * MAX_STATES + top]) top = m;
      for (const m of roles) {
        if (m === top) continue;
        w[i * MAX_STATES + m] += 0.5 * RESONANCE_SEED * w[i * MAX_STATES + top];
      }
      w[i * MAX_STATES + top] *= 1 - RESONANCE_SEED;
    }
  }

  /**
   * Converges the weights from the current ones. Without resonance couplings: Anderson-accelerated
   * fixed point (one iteration in warm MD), and the trust-region Newton minimization of Omega from
   * the same start when that does not converge within its budget. With resonance couplings: Newton
   * only, because the fixed-point map is then both stiff (fourth roots) and prone to jump into the
   * clamped pure-state pocket, a fixed point with a higher Omega than the mixed minimum it left.
   * Returns the kernel evaluations spent; throws CalculationFailed when no method converges.
   */
  private converge(tolerance: number, budget = this.solver.maxIterations): number {
    const before = this.spent;
    if (this.hasResonance()) {
      this.newton(tolerance);
      return this.spent - before;
    }
    const size = this.n * MAX_STATES;
    const start = this.f64("weights").slice(0, size);
    const mu = this.getCtx("mu");
    try {
      return this.iterate(tolerance, budget);
    } catch (err) {
      if (!(err instanceof CalculationFailed)) throw err;
      this.f64("weights").set(start);
      this.setCtx("mu", mu);
      this.newton(tolerance);
      return this.spent - before;
    }
  }

  /**
   * Trust-region Newton minimization of Omega (src/ect/solver-newton.ts) from the current weights,
   * after mixing THERMAL_SEED of their Boltzmann update in (so that no state that matters starts
   * exactly empty). Leaves the converged weights in place with the kernels evaluated at them (pair
   * forces not included: `evaluated` is false).
   */
  private newton(tolerance: number): void {
    const size = this.n * MAX_STATES;
    const forces = this.getCtx("epsForces");
    this.setCtx("epsForces", 0);
    try {
      this.spent++;
      this.kx.ectEvaluate(this.ctx);
      if (this.kx.ectUpdateWeights(this.ctx) < 0) {
        throw new InputError(`total charge ${this.getCtx("nTotal")} electrons cannot be reached with the model's states`);
      }
      const w = this.f64("weights").slice(0, size);
      const g = this.f64("weightsNew");
      for (let k = 0; k < size; k++) w[k] = (1 - THERMAL_SEED) * w[k] + THERMAL_SEED * g[k];
      const result = minimizeWeights(this.weightSystem(), w, { tolerance, maxIterations: NEWTON_ITERATIONS, maxEvaluations: NEWTON_EVALUATIONS });
      this.spent += result.evaluations;
      this.lastResidual = result.residual;
      if (!result.converged) {
        throw new CalculationFailed(
          `ECT weight solver (trust-region Newton) did not converge in ${result.iterations} iterations at kT = ${this.getCtx("kT")} eV (largest weight change ${result.residual.toExponential(2)}, tolerance ${tolerance})`,
        );
      }
    } finally {
      this.setCtx("epsForces", forces);
      this.evaluated = false;
    }
  }

  /** The engine as the Newton solver sees it: energy, eps and Hessian-vector products in the weights. */
  private weightSystem(): WeightSystem {
    const size = this.n * MAX_STATES;
    const types = this.raw("type") as Int32Array;
    const atomOf = new Int32Array(size).fill(-1);
    const electrons = new Float64Array(size);
    for (let i = 0; i < this.n; i++) {
      this.tables.states[types[i]].forEach((st, m) => {
        atomOf[i * MAX_STATES + m] = i;
        electrons[i * MAX_STATES + m] = st.electrons;
      });
    }
    const resCutoff = this.getCtx("resCutoff");
    const plus = new Float64Array(size), base = new Float64Array(size), baseW = new Float64Array(size);
    let baseValid = false;
    const load = (w: Float64Array) => this.f64("weights").set(w.subarray(0, size));
    return {
      slots: size,
      kT: this.getCtx("kT"),
      atomOf,
      electrons,
      electronTarget: this.getCtx("nTotal"),
      energy: (w, eps) => {
        load(w);
        this.kx.ectEvaluate(this.ctx);
        eps.set(this.f64("eps").subarray(0, size));
        return this.energy();
      },
      hessVec: (w, u, out) => {
        out.fill(0);
        if (resCutoff > 0) {
          // The fourth roots' curvature exactly, from the kernels (ghost weights restored first).
          load(w);
          this.kx.ectCharges(this.ctx);
          this.f64("weightsNew").set(u.subarray(0, size));
          this.kx.ectResonanceHessVec(this.ctx);
          out.set(this.f64("eps").subarray(0, size));
        }
        // The rest is smooth (linear in w but for the embedding): a forward difference of eps from
        // eps(w) without resonance, evaluated once per point w (the solver's CG steps at one Newton
        // iterate share it). Its O(d) error (embedding curvature) only bends the CG direction; the
        // gradient, which decides convergence, is exact.
        let umax = 0;
        for (let k = 0; k < size; k++) umax = Math.max(umax, Math.abs(u[k]));
        if (umax === 0) return 0;
        const d = 1e-6 / umax;
        let spent = 1;
        this.setCtx("resCutoff", 0);
        try {
          const x = this.f64("weights");
          let same = baseValid;
          for (let k = 0; same && k < size; k++) same = baseW[k] === w[k];
          if (!same) {
            baseW.set(w.subarray(0, size));
            x.set(baseW);
            this.kx.ectEvaluate(this.ctx);
            base.set(this.f64("eps").subarray(0, size));
            baseValid = true;
            spent++;
          }
          for (let k = 0; k < size; k++) x[k] = w[k] + d * u[k];
          this.kx.ectEvaluate(this.ctx);
          plus.set(this.f64("eps").subarray(0, size));
        } finally {
          this.setCtx("resCutoff", resCutoff);
        }
        for (let k = 0; k < size; k++) out[k] += (plus[k] - base[k]) / d;
        return spent;
      },
      residual: () => this.fixedPointResidual(),
    };
  }

  /** max |G(w) - w| of the chemical-potential update at the kernels' current eps (sets mu). */
  private fixedPointResidual(): number {
    const size = this.n * MAX_STATES;
    if (this.kx.ectUpdateWeights(this.ctx) < 0) {
      throw new InputError(`total charge ${this.getCtx("nTotal")} electrons cannot be reached with the model's states`);
    }
    const w = this.f64("weights"), g = this.f64("weightsNew");
    let r = 0;
    for (let k = 0; k < size; k++) r = Math.max(r, Math.abs(g[k] - w[k]));
    return r;
  }

  /**
   * Groups of atoms connected by distances below BOND_RANGE (clusters only; a periodic structure is
   * one fragment). Each group lists owned atom indices.
   */
  private fragments(): number[][] {
    if (this.cellInfo().pbc.some((p) => p)) return [Array.from({ length: this.n }, (_, i) => i)];
    const x = this.f64("x"), y = this.f64("y"), z = this.f64("z");
    const parent = Int32Array.from({ length: this.n }, (_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    const r2 = BOND_RANGE * BOND_RANGE;
    for (let i = 0; i < this.n; i++) {
      for (let j = i + 1; j < this.n; j++) {
        const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
        if (dx * dx + dy * dy + dz * dz < r2) parent[find(i)] = find(j);
      }
    }
    const groups = new Map<number, number[]>();
    for (let i = 0; i < this.n; i++) {
      const r = find(i);
      if (!groups.has(r)) groups.set(r, []);
      groups.get(r)!.push(i);
    }
    return [...groups.values()];
  }

  /** Converges at kT levels halving from `annealFrom` down to the target, each from the last. */
  private anneal(target: number, budget: number): number {
    let total = 0;
    try {
      for (let t = this.solver.annealFrom; t > target; t *= 0.5) {
        this.setCtx("kT", t);
        total += this.converge(Math.max(1e-6, this.solver.tolerance), budget);
      }
    } finally {
      this.setCtx("kT", target);
    }
    return total + this.converge(this.solver.tolerance, budget);
  }

  private lastResidual = 0;
  /** True when the last iterate() ended with the kernels evaluated at the weights it kept. */
  private evaluated = false;
  private spent = 0;

  /** Anderson-accelerated fixed point w = G(w) at the current kT; returns the iterations used. */
  private iterate(tolerance: number, maxIterations = this.solver.maxIterations): number {
    const { history } = this.solver;
    const size = this.n * MAX_STATES;
    let mixing = this.solver.mixing;
    let mixer = new AndersonMixer(size, history, mixing);
    let residual = Infinity;
    let best = Infinity;
    let sinceBest = 0;
    let it = 0;
    for (; it < maxIterations; it++) {
      this.spent++;
      this.kx.ectEvaluate(this.ctx);
      const miss = this.kx.ectUpdateWeights(this.ctx);
      if (miss < 0) {
        throw new InputError(`total charge ${this.getCtx("nTotal")} electrons cannot be reached with the model's states`);
      }
      const w = this.f64("weights").subarray(0, size);
      const g = this.f64("weightsNew").subarray(0, size);
      residual = 0;
      for (let k = 0; k < size; k++) residual = Math.max(residual, Math.abs(g[k] - w[k]));
      if (residual <= tolerance) {
        // Keep w: everything the kernels computed belongs to it, and G(w) differs by <= tolerance.
        this.evaluated = true;
        break;
      }
      // Safeguard: Anderson can cycle on a stiff map (strong Coulomb coupling at low kT). When the
      // residual has not improved for a while, restart the history with half the mixing.
      if (residual < best) {
        best = residual;
        sinceBest = 0;
      } else if (++sinceBest > 2 * history && mixing > 1e-3) {
        mixing *= 0.5;
        mixer = new AndersonMixer(size, history, mixing);
        best = residual;
        sinceBest = 0;
      }
      mixer.step(w, g);
      this.clampWeights(w);
    }
    this.lastResidual = residual;
    if (!(residual <= tolerance)) {
      throw new CalculationFailed(
        `ECT weight solver did not converge in ${maxIterations} iterations at kT = ${this.getCtx("kT")} eV (largest weight change ${residual.toExponential(2)}, tolerance ${tolerance})`,
      );
    }
    return it + 1;
  }

  /**
   * The solver's warm start: weights (N rows of `MAX_STATES`) and the chemical potential mu (eV).
   * With {@link setSolverState} a saved run continues exactly as the uninterrupted one (restarts).
   */
  solverState(): { weights: Float64Array; mu: number } {
    this.requireAtoms();
    // Bond transfer: the channel amplitudes by bond identity (BondTransfer.exportState).
    if (this.bond) return { weights: this.bond.exportState(this.n), mu: 0 };
    const w = this.weights();
    if (!this.previousWeights) return { weights: w, mu: this.getCtx("mu") };
    // With resonance the next start also uses the solution before (extrapolation): N x 4 current,
    // then N x 4 previous weights.
    const both = new Float64Array(2 * w.length);
    both.set(w);
    both.set(this.previousWeights.subarray(0, w.length), w.length);
    return { weights: both, mu: this.getCtx("mu") };
  }

  /**
   * Makes `state` (from {@link solverState}, same atoms) the warm start of the next solve, instead
   * of the cold multi-start search. Call after `setAtoms`/`sync`, which reset the weights.
   */
  setSolverState(state: { weights: ArrayLike<number>; mu: number }): void {
    this.requireAtoms();
    if (this.bond) {
      this.bond.importState(state.weights, this.n);
      this.cold = false;
      this.forcesValid = false;
      this.rememberPositions();
      return;
    }
    const size = this.n * MAX_STATES;
    const n = state.weights.length;
    if (n !== size && n !== 2 * size) throw new InputError(`solver state has ${n} weights, expected ${size} (${this.n} atoms x ${MAX_STATES}), or twice that with the previous solution`);
    for (let k = 0; k < n; k++) {
      const w = state.weights[k];
      const atom = Math.floor((k % size) / MAX_STATES);
      if (!(w >= 0 && w <= 1)) throw new InputError(`solver state weight ${k} (atom ${atom}) is ${w}, expected a number in [0, 1]`, { atom });
    }
    if (!Number.isFinite(state.mu)) throw new InputError(`solver state mu must be a finite energy in eV, got ${state.mu}`);
    const all = Float64Array.from(state.weights);
    this.f64("weights").set(all.subarray(0, size), 0);
    this.previousWeights = n === 2 * size && this.hasResonance() ? all.slice(size) : null;
    this.setCtx("mu", state.mu);
    this.cold = false;
    this.forcesValid = false;
    this.rememberPositions();
  }

  /** Forgets the weights: the next evaluation starts from neutral atoms and anneals. */
  coldStart(): void {
    if (this.n === 0) return; // nothing loaded yet: the first structure starts cold anyway
    this.resetWeights();
  }

  /** Keeps mixed weights on the simplex: no negatives, each atom's weights summing to 1. */
  private clampWeights(w: Float64Array): void {
    const types = this.raw("type") as Int32Array;
    for (let i = 0; i < this.n; i++) {
      const ns = this.tables.states[types[i]].length;
      let s = 0;
      for (let m = 0; m < ns; m++) {
        const v = Math.max(w[i * MAX_STATES + m], 0);
        w[i * MAX_STATES + m] = v;
        s += v;
      }
      for (let m = 0; m < ns; m++) w[i * MAX_STATES + m] /= s;
    }
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

  /** The kernels' mean field as the bond-transfer solver sees it: E_MF(w) and eps = dE_MF/dw. */
  private meanField(): MeanFieldSystem {
    const size = this.n * MAX_STATES;
    return {
      atoms: this.n,
      energy: (w, eps) => {
        this.spent++;
        this.f64("weights").set(w.subarray(0, size));
        this.kx.ectEvaluate(this.ctx);
        eps.set(this.f64("eps").subarray(0, size));
        this.ePol = this.polarization ? this.polarization.energy(w, eps) : 0;
        return this.getCtx("eOnsite") + this.getCtx("ePair") + this.getCtx("eLong") + this.ePol;
      },
    };
  }

  /** The neighbor list as bond transfer reads it. */
  private neighborView(): NeighborView {
    return {
      n: this.n,
      type: this.raw("type") as Int32Array,
      x: this.f64("x"),
      y: this.f64("y"),
      z: this.f64("z"),
      ghostOwner: this.raw("ghostOwner") as Int32Array,
      ghostShift: this.f64("ghostShift"),
      numNeigh: this.raw("numNeigh") as Int32Array,
      firstNeigh: this.raw("firstNeigh") as Int32Array,
      neigh: this.raw("neigh") as Int32Array,
    };
  }

  /** Bond transfer: collect the bonds, minimize over the channels, evaluate forces at the solution. */
  private solveBonds(): void {
    const bond = this.bond!;
    this.spent = 0;
    this.setCtx("epsForces", 0);
    const types = this.raw("type") as Int32Array;
    const view = this.neighborView();
    bond.collect(view, this.getCtx("builds"), this.getCtx("skin"));
    this.polarization?.collect(view);
    const report = bond.solve(this.meanField(), types, this.bondSolver);
    // Once more with pair forces on, at the weights the solver kept (the kernels hold them).
    this.setCtx("epsForces", 1);
    this.spent++;
    this.kx.ectEvaluate(this.ctx);
    this.eBonds = report.energy - (this.getCtx("eOnsite") + this.getCtx("ePair") + this.getCtx("eLong") + this.ePol);
    this.lastResidual = report.gradient;
    this.lastReport = { iterations: this.spent, residual: report.gradient, mu: 0 };
    this.cold = false;
    this.rememberPositions();
  }

  /**
   * Bond transfer: energy E (eV) at latent variables `x` (channel amplitudes i->j of every bond, then
   * j->i, then one reservoir amplitude per atom; the layout of `bond.x`) at the current positions and
   * bonds of the last solve, without solving; `grad` receives dE/dx. For tests and diagnostics: the
   * solved state is restored afterwards.
   */
  transferEnergyAt(x: Float64Array, grad?: Float64Array): number {
    const bond = this.bond;
    if (!bond || !bond.bonds) throw new InputError("transferEnergyAt needs a bond-transfer model and a solved structure");
    if (x.length !== bond.x.length) throw new InputError(`transferEnergyAt: expected ${bond.x.length} variables, got ${x.length}`);
    const g = grad ?? new Float64Array(x.length);
    const forces = this.getCtx("epsForces");
    this.setCtx("epsForces", 0);
    try {
      return transferEnergy(bond.problem(), this.meanField(), x, g, new TransferWork(this.n, bond.bonds.count));
    } finally {
      this.setCtx("epsForces", forces);
      this.f64("weights").set(weightsOf(bond));
      this.kx.ectEvaluate(this.ctx);
      this.forcesValid = false;
    }
  }

  /**
   * Bond transfer: E (eV) at the current positions with the latent variables of the warm start set
   * by {@link setSolverState}, without minimizing (the Hellmann-Feynman parameter derivatives of a
   * fit: E is stationary in the variables, so dE/dp is the derivative at fixed variables).
   */
  energyAtSolverState(): number {
    const bond = this.bond;
    if (!bond) throw new InputError("energyAtSolverState needs a bond-transfer model");
    this.requireAtoms();
    this.setCtx("tiersValid", 0);
    if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
    this.setCtx("epsForces", 0);
    const view = this.neighborView();
    bond.collect(view, this.getCtx("builds"), this.getCtx("skin"));
    this.polarization?.collect(view);
    const e = transferEnergy(bond.problem(), this.meanField(), bond.x, new Float64Array(bond.x.length), new TransferWork(this.n, bond.bonds!.count));
    this.forcesValid = false;
    return e;
  }

  /** Adds the bond terms' forces (and, when tallied, their virial and per-atom energies). */
  private addBondForces(tally: boolean): void {
    const bond = this.bond!;
    const { forward, reverse } = bond.amplitudes();
    const virial = new Float64Array(6);
    const fx = this.f64("fx"), fy = this.f64("fy"), fz = this.f64("fz");
    this.eBonds = bondForces(bond.bonds!, forward, reverse, bond.neutralWeights(), fx, fy, fz, virial, tally ? this.f64("eatom") : undefined);
    // The last mean-field evaluation was at the solution: its fields are the induction's.
    this.polarization?.forces(fx, fy, fz, virial, tally ? this.f64("eatom") : undefined);
    if (tally) {
      (["vxx", "vyy", "vzz", "vyz", "vxz", "vxy"] as const).forEach((f, k) => this.setCtx(f, this.getCtx(f) + virial[k]));
    }
    this.setCtx("energy", this.energy());
  }

  /** The solver's last report. */
  solverReport(): SolverReport {
    return { ...this.lastReport };
  }

  /** Total energy E in eV. */
  energy(): number {
    return this.getCtx("eOnsite") + this.getCtx("ePair") + this.getCtx("eLong") + (this.bond ? this.eBonds + this.ePol : 0);
  }

  /** The parts of E (eV): on-site sum_M w (E_AM + F_AM), short-range pairs and Coulomb remainder, long-range point charges. */
  energyTerms(): { onsite: number; pair: number; longRange: number; bonds: number; induction: number } {
    return { onsite: this.getCtx("eOnsite"), pair: this.getCtx("ePair"), longRange: this.getCtx("eLong"), bonds: this.bond ? this.eBonds : 0, induction: this.ePol };
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

/** The slot weights (atoms x MAX_STATES) of a bond-transfer solution. */
function weightsOf(bond: BondTransfer): Float64Array {
  const w = new TransferWork(bond.roles!.neutral.length, bond.bonds!.count);
  weightsFromVariables(bond.problem(), bond.x, w);
  return w.w;
}
