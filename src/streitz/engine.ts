/**
 * The Streitz-Mintmire model in wasm (assembly/streitz.ts) on one KernelSystem: eam/alloy at its own
 * cutoff and coul/streitz + fix qeq/slater (+ Ewald) at theirs, over one half list whose reach covers
 * the largest. QEq every evaluation: a compact H over the list, Jacobi-preconditioned CG on both
 * right-hand sides at once, warm-started (MD: LAMMPS' extrapolation of the last solutions).
 *
 * Modes (see src/streitz/README.md):
 * - "lammps": LAMMPS 29Sep2021 as it is (QEq with its own alpha and unshifted integrals; Wolf force
 *   with the shifted-force erfc term against a shifted-potential energy);
 * - "consistent": the QEq minimises the reported energy (same alpha, shifts and cutoff; Ewald with
 *   the reciprocal sum in the QEq matrix), Wolf is damped-shifted-force throughout, and forces are
 *   the exact gradient of the energy at the converged charges.
 *
 * Units: A, eV, e, fs, amu; k = qqrd2e = 14.399645 eV A / e^2.
 */
import type { Atoms } from "../atoms.js";
import { CalculationFailed, InputError } from "../errors.js";
import type { EamPotential } from "../potentials/types.js";
import { KernelSystem, type EngineOptions, type Field } from "../engine/system.js";
import { packTables } from "../eam/tables.js";
import { instantiateKernels, loadKernelModule, type KernelExports, type KernelVariant, type StreitzKernelExports } from "../engine/wasm.js";
import {
  QEQ_GUESS_EXTRAPOLATE, QEQ_GUESS_GIVEN, QEQ_GUESS_LINEAR, QEQ_GUESS_SHADOW, QEQ_GUESS_PREVIOUS, QEQ_GUESS_ZERO, QEQ_PRECOND_JACOBI, QEQ_PRECOND_SGS, STATUS_QEQ_LIST,
} from "../engine/bindings.generated.js";
import { MY_PIS, QQRD2E_METAL, type StreitzSummation } from "./coulomb.js";
import { erfc } from "./erfc.js";
import { ewaldKVectors } from "./ewald.js";
import type { StreitzElement, StreitzParameters } from "./params.js";
import { XlPropagator } from "../xl/propagator.js";
import type { XlOrder } from "../xl/coefficients.js";
import { buildStreitzTable, STREITZ_TABLE_DR, STREITZ_TABLE_R0, withEnergySlope, type StreitzTableSpec } from "./tables.js";
import type { QeqPreconditioner, QeqStart, QeqXlSettings, StreitzEngineSettings, StreitzMode } from "./settings.js";

export type { QeqPreconditioner, QeqStart, QeqXlSettings, StreitzEngineSettings, StreitzMode } from "./settings.js";

/** Slots per atom of the Gauss-Seidel preconditioner's rows (pairs past it are left out of it). */
const SHORT_STRIDE = 64;
/** Pairs within this distance (A) enter the Gauss-Seidel preconditioner (src/streitz/README.md: 4 A ~ 3.6 % of the pairs). */
const SHORT_CUTOFF = 4.0;
/**
 * With Gauss-Seidel the CG stops at this fraction of the tolerance (LAMMPS' test otherwise unchanged):
 * it leaves more of the residual in slow modes than Jacobi. With the under-relaxed sweep (SSOR_OMEGA
 * in assembly/streitz.ts) 0.7 leaves the charges as close to the converged ones as LAMMPS' own run
 * (src/streitz/README.md; bench/streitz.ts reports both every run).
 */
const SGS_TOLERANCE_FACTOR = 0.7;
/** Extended-Lagrangian defaults: dissipation order and CG loops per step. */
const XL_ORDER: XlOrder = 5;
const XL_LOOPS = 4;
/** CG loops per step with shadow forces: two, so the auxiliary variables are driven by a CG result. */
const XL_SHADOW_LOOPS = 2;
/**
 * One loop makes no CG update; the driver x + g M^-1 r0 is a Verlet step in a well of stiffness
 * kappa g lambda (lambda: eigenvalues of M^-1 H), stable below 4. g = 1 blew up on the 120-atom
 * rattled cell in lammps mode (lambda ~2.5); g = 0.5 allows lambda up to 4.4.
 */
const SHADOW_ONE_LOOP_GAIN = 0.5;

const GUESS: Record<QeqStart, number> = { zero: QEQ_GUESS_ZERO, previous: QEQ_GUESS_PREVIOUS, extrapolate: QEQ_GUESS_EXTRAPOLATE, linear: QEQ_GUESS_LINEAR };

/** woself = erfc(a rc)/(2 rc) + a/sqrt(pi) (1/A), LAMMPS' Wolf self coefficient. */
function woself(a: number, rc: number): number {
  return (0.5 * erfc(a * rc)) / rc + a / MY_PIS;
}
/** d/dr [erfc(a r)/r] at rc (1/A^2), LAMMPS' dwoself. */
function dwoself(a: number, rc: number): number {
  return -(erfc(a * rc) / rc / rc + ((2.0 * a) / MY_PIS) * Math.exp(-a * a * rc * rc) / rc);
}

/** Streitz-Mintmire energy, forces, virial and charges in wasm. */
export class StreitzEngine extends KernelSystem {
  readonly eam: EamPotential;
  readonly params: StreitzParameters;
  readonly settings: Readonly<StreitzEngineSettings>;
  /** Where single-point CG solves start (default "previous": zero after a new structure or coldStart). */
  qeqStart: QeqStart = "previous";
  /**
   * Where the CG starts in MD steps (default "linear": LAMMPS' "extrapolate" of four solutions amplifies
   * the jumps of the LAMMPS-mode QEq matrix at its cutoff; src/streitz/README.md).
   */
  mdQeqStart: QeqStart = "linear";
  /** CG preconditioner of single points (default "jacobi": LAMMPS' loops, loop for loop). */
  qeqPreconditioner: QeqPreconditioner = "jacobi";
  /** CG preconditioner in MD steps (default "sgs"). */
  mdQeqPreconditioner: QeqPreconditioner = "sgs";
  /**
   * Extended-Lagrangian charges in MD (null: every step solved to the tolerance, the reference).
   * Its auxiliary variables are part of the state: {@link xlState} / {@link setXlState} for restarts.
   */
  qeqXl: QeqXlSettings | null = null;
  private xl: XlPropagator | null = null;

  /** Forgets the QEq history: the next solve starts from zero charges (as LAMMPS' first step). */
  coldStart(): void {
    if (this.n > 0) {
      this.f64("sqHist").fill(0);
      this.f64("charge").fill(0);
    }
    this.setCtx("sqHistCount", 0);
    this.xl = null;
    this.forcesValid = false;
  }
  private readonly k_: number = QQRD2E_METAL;
  private readonly typeParams: StreitzElement[];
  private sqCapacity = 0;
  private kset: { vecs: Float64Array; idx: Int32Array; basis: Float64Array; nmax: number } | null = null;
  private ewaldState: { g: number; kmax: [number, number, number]; kcount: number; cell: string } | null = null;

  protected constructor(eam: EamPotential, params: StreitzParameters, settings: StreitzEngineSettings, k: KernelExports, variant: KernelVariant, skin: number) {
    const consistent = settings.mode === "consistent";
    const qeqCutoff = consistent ? settings.coulCutoff : settings.qeqCutoff;
    const reach = Math.max(eam.cutoff, settings.coulCutoff, qeqCutoff);
    super(k, variant, skin, eam.elements, reach, `${eam.source} + ${params.source}`);
    this.eam = eam;
    this.params = params;
    this.settings = { ...settings, qeqCutoff };
    // Types follow the EAM file; an element missing from the .streitz file gets inert numbers
    // (the calculator refuses structures that contain it).
    this.typeParams = eam.elements.map(
      (el) => params.bySymbol.get(el) ?? { symbol: el, chi: 0, J: 1, gamma: 0, zeta: 1, Z: 0, line: 0 },
    );
    const t = packTables(eam);
    const wolf = settings.summation === "wolf";
    const energySpec = this.energySpec(settings.summation === "ewald" ? 1 : settings.wolfAlpha);
    const energy = buildStreitzTable(energySpec);
    const qeq = consistent ? energy : buildStreitzTable(this.qeqSpec());
    this.placeTables([
      { field: "densityTable", data: t.density },
      { field: "forceTable", data: t.force },
      { field: "embedTable", data: t.embed },
      { field: "sqTableE", data: energy.records },
      // The QEq table gets its own copy even when equal: Ewald rewrites the energy table per g.
      // Its B' lane (unused by the QEq passes) carries the energy's: the shadow walk's force reads it there.
      { field: "sqTableQ", data: withEnergySlope(qeq.records.slice(), energy.records) },
      { field: "sqChi", data: Float64Array.from(this.typeParams, (p) => p.chi) },
      { field: "sqJ", data: Float64Array.from(this.typeParams, (p) => p.J) },
    ]);
    this.setCtx("nr", t.nr);
    this.setCtx("rdr", 1.0 / eam.dr);
    this.setCtx("nrho", t.nrho);
    this.setCtx("rdrho", 1.0 / eam.drho);
    this.setCtx("rhomax", eam.rhomax);
    this.setCtx("eamCutoff", eam.cutoff);
    this.setCtx("listCutoff", reach);
    this.setCtx("sqIntervals", energy.intervals);
    this.setCtx("sqR0", energy.r0);
    this.setCtx("sqRdr", 1 / energy.dr);
    this.setCtx("sqCoulCutoff", settings.coulCutoff);
    this.setCtx("sqQeqCutoff", qeqCutoff);
    this.setCtx("coulombK", this.k_);
    const rc = settings.coulCutoff;
    this.setCtx("sqSelfPair", wolf ? this.k_ * woself(settings.wolfAlpha, rc) : 0);
    this.setCtx("sqForceShift", wolf && !consistent ? -this.k_ * dwoself(settings.wolfAlpha, rc) : 0);
    this.setCtx(
      "sqDiagShift",
      consistent ? (wolf ? 2 * this.k_ * woself(settings.wolfAlpha, rc) : 0) : 2 * this.k_ * woself(settings.qeqAlpha, qeqCutoff),
    );
    this.setCtx("sqEwald", wolf ? 0 : 1);
    this.setCtx("sqKspaceInH", 0);
    this.setCtx("qeqTolerance", settings.qeqTolerance);
    this.setCtx("qeqMaxIter", settings.qeqMaxIter);
    this.setCtx("sqShortCutoff", SHORT_CUTOFF);
    this.setCtx("sqShortStride", SHORT_STRIDE);
  }

  /** The energy table of the mode: alpha is the Wolf alpha or the Ewald g (1/A). */
  private energySpec(alpha: number): StreitzTableSpec {
    const s = this.settings;
    const wolf = s.summation === "wolf";
    return {
      elements: this.typeParams,
      k: this.k_,
      rmax: Math.max(s.coulCutoff, s.qeqCutoff) + 0.05,
      alpha,
      // consistent: every term shifted-force at rc, so E and F are continuous there (for Ewald the
      // shift is ~1e-10 eV per pair: the Slater terms at 12 A, erfc(g rc)/rc ~ 1e-15).
      shift: s.mode === "consistent" ? "dsf" : wolf ? "wolf" : "none",
      rc: s.coulCutoff,
      dr: s.tableSpacing ?? STREITZ_TABLE_DR,
    };
  }

  /** fix qeq/slater's own matrix: unshifted integrals, its alpha and cutoff. */
  private qeqSpec(): StreitzTableSpec {
    const s = this.settings;
    return { ...this.energySpec(s.qeqAlpha), shift: "none", rc: s.qeqCutoff };
  }

  /** Creates an engine for an EAM potential (the eam/alloy part) and a .streitz parameter set. */
  static async create(eam: EamPotential, params: StreitzParameters, settings: StreitzEngineSettings, opts: EngineOptions = {}): Promise<StreitzEngine> {
    const variant = opts.variant ?? "simd";
    const mod = opts.module ?? (await loadKernelModule(variant));
    return new StreitzEngine(eam, params, settings, instantiateKernels(mod), variant, opts.skin ?? 1.0);
  }

  private get kx(): StreitzKernelExports {
    return this.k as StreitzKernelExports;
  }

  // ---------------------------------------------------------------- buffers
  protected extraPerAtom(): [Field, number][] {
    return [
      ["charge", 8], ["sqX", 16], ["sqB", 16], ["sqR", 16], ["sqD", 16], ["sqHd", 16], ["sqHist", 64],
      ["sqY", 16], ["sqZ", 16], ["sqCount", 4], ["skScratch", 48], ["numNeighEam", 4],
    ];
  }

  protected extraRegions(): [Field, number][] {
    const ks = this.kset;
    const nk = ks ? ks.vecs.length / 4 : 0;
    const nmax = ks ? ks.nmax : 0;
    const owned = Math.max(this.n, this.ownedCapacity);
    return [
      ["sqNbr", 4 * this.sqCapacity], ["sqVal", 8 * this.sqCapacity], ["sqGhost", 4 * this.sqCapacity],
      ["sqShortNbr", 4 * SHORT_STRIDE * owned], ["sqShortVal", 8 * SHORT_STRIDE * owned], ["sqShortCount", 4 * owned],
      ["skVecs", 32 * nk], ["skIdx", 16 * nk], ["skBasis", 72], ["skSums", 32 * nk],
      ["skPhase", ks ? 16 * 3 * (nmax + 1) * this.n : 0],
    ];
  }

  protected afterLayout(): void {
    this.setCtx("sqCapacity", this.sqCapacity);
    const ks = this.kset;
    this.setCtx("skCount", ks ? ks.vecs.length / 4 : 0);
    this.setCtx("skNmax", ks ? ks.nmax : 0);
    if (ks) {
      this.f64("skVecs").set(ks.vecs);
      (this.raw("skIdx") as Int32Array).set(ks.idx);
      this.f64("skBasis").set(ks.basis);
    }
  }

  protected preservedPerAtom(): [string, number][] {
    return [...super.preservedPerAtom(), ["sqHist", 8], ["charge", 1], ["sqX", 2]];
  }

  protected grow(status: number): void {
    if (status === STATUS_QEQ_LIST) {
      this.sqCapacity = Math.ceil(this.getCtx("needNeigh") * 1.15) + 256;
      this.relayout();
      return;
    }
    super.grow(status);
  }

  /**
   * The QEq warm start (charges, e, and the last s/t solutions LAMMPS extrapolates from), as one
   * vector: n charges, then 8 history values per atom. With {@link setSolverState} a saved run continues
   * exactly as the uninterrupted one (restarts). `mu` is unused (0).
   */
  solverState(): { weights: Float64Array; mu: number } {
    const n = this.n;
    const out = new Float64Array(9 * n);
    out.set(this.f64("charge").subarray(0, n));
    out.set(this.f64("sqHist").subarray(0, 8 * n), n);
    return { weights: out, mu: 0 };
  }

  /** Restores a {@link solverState} of the same atoms as the next solve's warm start. */
  setSolverState(state: { weights: ArrayLike<number>; mu: number }): void {
    const n = this.n;
    if (state.weights.length !== 9 * n) throw new InputError(`Streitz solver state has ${state.weights.length} numbers, expected 9 x ${n} atoms`);
    const w = Float64Array.from(state.weights);
    this.f64("charge").set(w.subarray(0, n));
    this.f64("sqHist").set(w.subarray(n), 0);
    // solutions present: the history slots that are not all zero (newest first)
    let count = 0;
    for (let k = 0; k < 4; k++) {
      let any = false;
      for (let i = 0; i < n && !any; i++) any = w[n + 8 * i + 2 * k] !== 0 || w[n + 8 * i + 2 * k + 1] !== 0;
      if (!any) break;
      count++;
    }
    this.setCtx("sqHistCount", count);
    this.forcesValid = false;
  }

  // ---------------------------------------------------------------- structure
  /** Loads a structure (see KernelSystem.setAtoms); charges and the QEq history start from zero. */
  setAtoms(atoms: Atoms, source = "structure"): void {
    super.setAtoms(atoms, source);
    this.f64("sqHist").fill(0);
    this.f64("charge").fill(0);
    this.setCtx("sqHistCount", 0);
    this.xl = null;
    if (this.ewaldState && this.ewaldState.cell !== JSON.stringify(Array.from(atoms.cell))) {
      // The k-vectors belong to the old cell: the caller must call setEwald again.
      this.kset = null;
      this.ewaldState = null;
      this.relayout();
    }
  }

  /**
   * Sets the Ewald splitting g (1/A) and extents kmax for `cell` (the structure's, LAMMPS
   * restricted-triclinic rows): k-vectors, the energy table (erfc(g r)/r) and, in "consistent"
   * mode, the QEq matrix with the reciprocal sum and Ewald self term.
   */
  setEwald(cell: ArrayLike<number>, g: number, kmax: readonly [number, number, number]): { kcount: number } {
    if (this.settings.summation !== "ewald") throw new Error("internal: setEwald on a Wolf engine");
    this.requireAtoms();
    const key = JSON.stringify(Array.from(cell));
    const st = this.ewaldState;
    if (st && st.g === g && st.kmax.every((v, d) => v === kmax[d]) && st.cell === key) return { kcount: st.kcount };
    const set = ewaldKVectors(cell, kmax);
    const nk = set.kcount;
    const vecs = new Float64Array(4 * nk);
    const idx = new Int32Array(4 * nk);
    const preu = (4.0 * Math.PI) / set.volume;
    // Sorted by (n1, n2): the kernel reuses the (n1, n2) phase product along each n3 row.
    const order = Array.from({ length: nk }, (_, t) => t).sort(
      (a, b) => set.kv[7 * a] - set.kv[7 * b] || set.kv[7 * a + 1] - set.kv[7 * b + 1] || set.kv[7 * a + 2] - set.kv[7 * b + 2],
    );
    for (let t = 0; t < nk; t++) {
      const [n1, n2, n3, kx, ky, kz, sqk] = set.kv.slice(7 * order[t], 7 * order[t] + 7);
      vecs.set([kx, ky, kz, (preu * Math.exp((-0.25 * sqk) / (g * g))) / sqk], 4 * t);
      idx.set([n1, n2, n3, 0], 4 * t);
    }
    this.kset = { vecs, idx, basis: Float64Array.from(set.basis.flat()), nmax: set.nmax };
    if (!st || st.g !== g) {
      const energy = buildStreitzTable(this.energySpec(g));
      this.f64("sqTableE").set(energy.records);
      if (this.settings.mode === "consistent") {
        this.f64("sqTableQ").set(energy.records);
        this.setCtx("sqDiagShift", (2 * this.k_ * g) / MY_PIS);
      } else {
        withEnergySlope(this.f64("sqTableQ"), energy.records);
      }
    }
    this.relayout();
    this.setCtx("skG", g);
    this.setCtx("skVolume", set.volume);
    this.setCtx("sqKspaceInH", this.settings.mode === "consistent" ? 1 : 0);
    this.ewaldState = { g, kmax: [kmax[0], kmax[1], kmax[2]], kcount: nk, cell: key };
    this.forcesValid = false;
    return { kcount: nk };
  }

  /** Whether Ewald settings are in place (always true for Wolf). */
  get ready(): boolean {
    return this.settings.summation === "wolf" || this.kset !== null;
  }

  // ---------------------------------------------------------------- kernels
  protected override rebuildKernel(): number {
    return this.kx.streitzRebuild(this.ctx);
  }

  /**
   * Charges (QEq) then energy, forces and virial at the current positions.
   * @throws InputError when two atoms are closer than the tables reach (0.5 A)
   * @throws CalculationFailed when the CG does not reach the tolerance within maxiter
   */
  compute(): void {
    this.requireAtoms();
    if (!this.ready) throw new Error("internal: Ewald settings missing (setEwald)");
    if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
    this.setCtx("tally", 1);
    this.setCtx("qeqGuess", GUESS[this.qeqStart]);
    this.usePreconditioner(this.qeqPreconditioner);
    const failed = this.getCtx("qeqFailed");
    this.kx.streitzCompute(this.ctx);
    this.forcesValid = true;
    this.tallied = true;
    this.checkClose();
    this.checkResult();
    if (this.getCtx("qeqFailed") > failed) {
      throw new CalculationFailed(
        `QEq CG did not reach tolerance ${this.settings.qeqTolerance} in ${this.settings.qeqMaxIter} loops`,
      );
    }
  }

  /**
   * MD steps with extended-Lagrangian charges: each step's CG starts from the auxiliary (s, t), runs
   * at most `loops` loops, and its result drives the auxiliary variables to the next step.
   */
  private runXl(steps: number, opts: QeqXlSettings, tallyLast: boolean): void {
    const shadow = opts.shadow === true;
    const order = opts.order ?? XL_ORDER, loops = opts.loops ?? (shadow ? XL_SHADOW_LOOPS : XL_LOOPS);
    if (!(Number.isInteger(loops) && loops >= 1)) throw new InputError(`extended-Lagrangian CG loops must be a positive integer, got ${loops}`);
    if (shadow) this.checkShadow(loops);
    const size = 2 * this.n;
    if (!this.xl || this.xl.order !== order || this.xl.size !== size) {
      // Start on the last solution (that of the forces now in place, solved to the tolerance).
      this.xl = new XlPropagator(size, order);
      this.xl.init(this.f64("sqX").subarray(0, size));
    }
    const xl = this.xl;
    this.setCtx("qeqGuess", shadow ? QEQ_GUESS_SHADOW : QEQ_GUESS_GIVEN);
    this.setCtx("qeqMaxIter", loops);
    try {
      for (let k = 0; k < steps; k++) {
        const tally = k === steps - 1 && tallyLast ? 1 : 0;
        xl.advance((start, out) => {
          this.f64("sqX").set(start);
          this.runVerletChunks(1, () => this.kx.streitzStep(this.ctx, tally), () => this.kx.streitzFinishStep(this.ctx), () => this.checkClose());
          out.set(this.f64("sqX").subarray(0, size));
          if (shadow && loops === 1) this.addPreconditionedResidual(out);
        });
      }
    } finally {
      this.setCtx("qeqMaxIter", this.settings.qeqMaxIter);
    }
  }

  /**
   * With one loop the driver x + g M^-1 r0 needs the eigenvalues of M^-1 H bounded (SHADOW_ONE_LOOP_GAIN):
   * with Jacobi they reach 5.6 (consistent) and 11 (lammps) on the 2160-atom example, and with the
   * reciprocal sum in H (consistent Ewald), which M leaves out, a run blew up: both refused. Two or
   * more loops drive by the CG result, which is stable as the plain extended-Lagrangian scheme is.
   */
  private checkShadow(loops: number): void {
    if (loops > 1) return;
    if (this.mdQeqPreconditioner !== "sgs") {
      throw new InputError("shadow-potential extended-Lagrangian charges with one CG loop need the Gauss-Seidel MD preconditioner (mdQeqPreconditioner \"sgs\"): with Jacobi the auxiliary charges are unstable");
    }
    if (this.settings.mode === "consistent" && this.settings.summation === "ewald") {
      throw new InputError("shadow-potential extended-Lagrangian charges with one CG loop are unstable with the reciprocal sum in the QEq matrix (consistent mode with Ewald): use two loops or more");
    }
  }

  /**
   * out += SHADOW_ONE_LOOP_GAIN M^-1 r0, r0 = b - H x: the driver of the auxiliary variables when the
   * CG stops at its first loop without an update (M^-1 r0 is its first search direction, sqD).
   */
  private addPreconditionedResidual(out: Float64Array): void {
    const z = this.f64("sqD");
    for (let i = 0; i < out.length; i++) out[i] += SHADOW_ONE_LOOP_GAIN * z[i];
  }

  /**
   * The extended-Lagrangian auxiliary variables ((K + 1) x 2 n numbers: the (s, t) history, newest
   * first), or null before the first extended-Lagrangian step. With {@link setXlState} (and
   * {@link setSolverState}) a saved run continues bit for bit.
   */
  xlState(): Float64Array | null {
    return this.xl ? this.xl.state() : null;
  }

  /** Restores an {@link xlState} of the same atoms (null forgets it: the next run starts on the last solution). */
  setXlState(state: ArrayLike<number> | null): void {
    if (state === null) {
      this.xl = null;
      return;
    }
    const order = this.qeqXl?.order ?? XL_ORDER;
    const xl = new XlPropagator(2 * this.n, order);
    try {
      xl.setState(state);
    } catch (e) {
      throw new InputError(`Streitz extended-Lagrangian state: ${(e as Error).message} (order ${order}, ${this.n} atoms)`);
    }
    this.xl = xl;
  }

  /** Selects the CG preconditioner of the next solves, with its stopping tolerance. */
  private usePreconditioner(p: QeqPreconditioner): void {
    this.setCtx("qeqPrecond", p === "sgs" ? QEQ_PRECOND_SGS : QEQ_PRECOND_JACOBI);
    this.setCtx("qeqTolerance", this.settings.qeqTolerance * (p === "sgs" ? SGS_TOLERANCE_FACTOR : 1));
  }

  private checkClose(): void {
    if (this.getCtx("tooClose") === 0) return;
    const p = this.closestPair();
    throw new InputError(
      `atoms ${p?.i} and ${p?.j} are ${p?.r.toPrecision(4)} A apart, closer than the Streitz tables reach (${STREITZ_TABLE_R0} A)`,
    );
  }

  /**
   * Runs `steps` velocity-Verlet NVE steps of `dt` fs with a QEq every step, started from LAMMPS'
   * extrapolation of the previous solutions. Neighbor checks as LAMMPS neigh_modify (every/delay).
   * QEq solves that stop at maxiter are counted (`qeqFailures`), as LAMMPS warns and goes on.
   * With `tally: false` the last step skips the pair energy and virial too (the MD driver's chunks
   * that end between check points); `energy()`, `virial()` and `energyTerms()` then tally them on
   * first use (`streitzTally`: the force passes again without a QEq). The trajectory is the same.
   */
  runVerlet(steps: number, dt: number, opts: { every?: number; delay?: number; tally?: boolean } = {}): void {
    const tally = opts.tally ?? true;
    this.setVerletSettings(steps, dt, opts);
    if (!this.forcesValid && this.qeqXl && this.xl && this.xl.size === 2 * this.n) {
      // Restart with extended-Lagrangian state: redo the last step's solve (from x_{n-1}, capped
      // loops), which gives the forces the uninterrupted run had.
      this.requireAtoms();
      if (!this.listValid || this.k.needsRebuild(this.ctx)) this.rebuild();
      this.f64("sqX").set(this.xl.previous);
      this.setCtx("tally", 1);
      this.tallied = true;
      const shadow = this.qeqXl.shadow === true;
      const loops = this.qeqXl.loops ?? (shadow ? XL_SHADOW_LOOPS : XL_LOOPS);
      if (shadow) this.checkShadow(loops);
      this.setCtx("qeqGuess", shadow ? QEQ_GUESS_SHADOW : QEQ_GUESS_GIVEN);
      this.usePreconditioner(this.mdQeqPreconditioner);
      this.setCtx("qeqMaxIter", loops);
      try {
        this.kx.streitzCompute(this.ctx);
      } finally {
        this.setCtx("qeqMaxIter", this.settings.qeqMaxIter);
      }
      this.forcesValid = true;
      this.checkClose();
      this.checkResult();
    }
    if (!this.forcesValid) {
      const start = this.qeqStart, pre = this.qeqPreconditioner;
      this.qeqStart = this.mdQeqStart;
      this.qeqPreconditioner = this.mdQeqPreconditioner;
      try {
        this.compute();
      } finally {
        this.qeqStart = start;
        this.qeqPreconditioner = pre;
      }
    }
    this.usePreconditioner(this.mdQeqPreconditioner);
    if (this.qeqXl) {
      this.runXl(steps, this.qeqXl, tally);
    } else {
      this.setCtx("qeqGuess", GUESS[this.mdQeqStart]);
      this.runVerletChunks(
        steps,
        (left) => {
          this.setCtx("tally", tally ? 1 : 0);
          return this.kx.streitzRunVerlet(this.ctx, left);
        },
        () => this.kx.streitzFinishStep(this.ctx),
        () => this.checkClose(),
      );
    }
    if (steps > 0) this.tallied = tally;
  }

  /**
   * Pair energy and virial after untallied MD steps: the EAM, Coulomb and k-space passes again at
   * the same positions and charges, without a QEq (same forces, same QEq history).
   */
  protected override tallyNow(): void {
    this.kx.streitzTally(this.ctx);
  }

  // ---------------------------------------------------------------- results
  /** Charges of the owned atoms, e (a new array). */
  charges(): Float64Array {
    return this.f64("charge").slice(0, this.n);
  }
  /** Energy parts (eV): EAM, coul/streitz pairs + self, Ewald k-space. */
  energyTerms(): { eam: number; coulPair: number; kspace: number } {
    this.ensureTallied();
    return { eam: this.getCtx("eEam"), coulPair: this.getCtx("eCoulPair"), kspace: this.getCtx("eKspace") };
  }
  /**
   * The last QEq: CG loops of the s and t solves, chemical potential (eV/e); and, since the engine
   * was made: solves, CG loops (s + t) summed over them, solves that stopped at maxiter.
   */
  qeqReport(): { loopsS: number; loopsT: number; mu: number; solves: number; loopSum: number; failures: number } {
    return {
      loopsS: this.getCtx("qeqLoopsS"),
      loopsT: this.getCtx("qeqLoopsT"),
      mu: this.getCtx("qeqMu"),
      solves: this.getCtx("qeqSolves"),
      loopSum: this.getCtx("qeqLoopSum"),
      failures: this.getCtx("qeqFailed"),
    };
  }
  /** Ewald settings in force (null for Wolf or before setEwald). */
  ewaldSettings(): { g: number; kmax: [number, number, number]; kcount: number } | null {
    const s = this.ewaldState;
    return s ? { g: s.g, kmax: [...s.kmax] as [number, number, number], kcount: s.kcount } : null;
  }
}

