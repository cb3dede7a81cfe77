/**
 * The bond-transfer solver state of one structure: the bond set at the current positions, the
 * latent variables (channel and reservoir amplitudes), warm starts along a trajectory and the
 * cold-start search for a new structure. The engine supplies the neighbor list and the mean field.
 *
 * Browser-safe; no wasm.
 */
import { CalculationFailed, InputError } from "../../errors.js";
import type { EctTables } from "../tables.js";
import { zeroDeadChannels, zeroDiedChannels, type BondSet, type StateRoles } from "./bonds.js";
import { collectBonds, refreshBonds, sortBonds, stateRoles, type NeighborView } from "./bond-list.js";
import { type MeanFieldSystem, type TransferProblem, TransferWork, variableCount, weightsFromVariables } from "./transfer-energy.js";
import { activeVariables, CurvatureHistory, minimizeTransfer, retractReservoir, type TransferSolveResult } from "./transfer-solver.js";
import { XlPropagator } from "../../xl/propagator.js";
import { newtonXlStep } from "./xl-newton.js";
import { allocateCarry, decodeCarry, encodeCarry, type Carry } from "./bond-carry.js";
import type { XlOrder } from "../../xl/coefficients.js";
import type { BondSolverOptions } from "./bond-solver-options.js";
import type { BondRefreshKernel } from "./bond-kernel.js";

export { BOND_SOLVER_DEFAULTS, BOND_XL_DEFAULTS, type BondSolverOptions, type BondXlOptions } from "./bond-solver-options.js";

/**
 * With extended-Lagrangian starts, a capped solve whose scaled gradient is still above this
 * (amplitude units) is not trusted: the solve continues to the tolerance and the auxiliary history
 * restarts from its solution (a new structure, a bond that switched on). Measured on 64-atom NaCl
 * at 300 K with 8 iterations: median 8e-5, largest 1.2e-3 over 200 steps.
 */
const XL_TRUST_GRADIENT = 1e-2;
/**
 * The same for the truncated Newton steps, as their Newton decrement over the diagonal curvature,
 * 1/2 g D^-1 g per atom (eV). The largest scaled gradient component grows with the number of
 * channels and reached 1e-2 in ordinary steps at 4,096 atoms (each such step then solved to the
 * tolerance: 16 evaluations per step on average instead of 6). Measured in ordinary steps of NaCl
 * at 300 K: median 8e-7 (64 atoms) and 3e-6 (1,000 atoms), largest 1e-5; the true energy error is
 * about 400 times smaller (64 atoms: 2e-9 eV/atom).
 */
const XL_TRUST_DECREMENT = 1e-4;
/**
 * The same for shadow steps, whose decrement is that of the start (the auxiliary amplitudes: the
 * answer's true gradient is never evaluated), which lies further from the ground state than the
 * answer. Measured on 64-atom LiH at 300 K (0.5 fs): 5e-6 to 4e-5 in ordinary steps, 2-3e-4 in the
 * first step after the history is filled (that step then failed the answer's limit and the history
 * restarted, twice on end).
 */
const XL_TRUST_SHADOW_DECREMENT = 1e-3;
const DEBUG_XL = typeof process !== "undefined" && !!process.env?.DEBUG_XL;

/** Iteration budget of a cold solve's second start: this many times the first start's iterations ... */
const COLD_SECOND_START_FACTOR = 4;
/** ... and at least this many. */
const COLD_SECOND_START_MIN = 400;

/** Electronegativity difference (eV) above which a bond starts ionic in the ionic cold start. */
const IONIC_START_GAP = 1.0;
/** Ionic weight of a donor in the ionic start (the rest stays neutral). */
const IONIC_START_WEIGHT = 0.9;
/** Ionic weight per channel in the covalent start (scaled down where an atom has many bonds). */
const COVALENT_START_WEIGHT = 0.02;

/** One solve's report. */
export interface BondSolveReport {
  evaluations: number;
  iterations: number;
  gradient: number;
  energy: number;
  /**
   * A shadow step's (method "shadow"): per atom (eV), the part of `energy` that the mean field's last
   * evaluation, at the auxiliary amplitudes, does not hold (xl-newton.ts); absent otherwise.
   */
  linear?: Float64Array;
}

export class BondTransfer {
  bonds: BondSet | null = null;
  roles: StateRoles | null = null;
  /** Variables of the current bond set (2 per bond, then 1 per atom). */
  x = new Float64Array(0);
  private work: TransferWork | null = null;
  private charge = 0;
  private cold = true;
  /** Last state by bond identity (i, j and displacement), for warm starts after a new bond list. */
  private previous: Carry | null = null;
  /** Neighbor-list build the bond set belongs to (between builds the set is kept and refreshed). */
  private listBuild = -1;
  /** The solution before the current one on the same bond set (the next start is extrapolated). */
  private xPrev: Float64Array | null = null;
  /** The solution before the current one (for the state: extrapolation after a restart). */
  private xPrevSolved: Float64Array | null = null;
  /** Extended-Lagrangian history on the current bond set (null: none yet). */
  private xl: XlPropagator | null = null;
  /** Solves since the history was started (the first K + 1 run to the tolerance). */
  private xlSteps = 0;
  /**
   * L-BFGS pairs carried from solve to solve (extended-Lagrangian runs), remapped by bond identity
   * onto a new bond set like the amplitudes.
   */
  private curvature = new CurvatureHistory();
  /**
   * The last {@link exportState} (a copy) and the carried state it encodes, with the identity of the
   * curvature's variables, while nothing has changed since (no solve, no new bond set, no import).
   * When exactly that state is imported next, also after a {@link reset} (the barostat reloads the
   * cell with the solver state it just saved), the pairs are carried onto the next bond set; any
   * other import, and a cold solve, drops them.
   */
  private exported: { state: Float64Array; carry: Carry } | null = null;

  /** Whether warm solves start from the last two solutions extrapolated (MD), see {@link solve}. */
  extrapolating = true;

  /**
   * The wasm form of the per-step bond refresh (bond-kernel.ts; the engine sets it), null for the
   * TypeScript reference `refreshBonds`. Both give the same bits; set it before the first solve
   * (a set collected without it is refreshed by the reference until the next neighbor-list build).
   */
  refreshKernel: BondRefreshKernel | null = null;

  constructor(readonly tables: EctTables) {}

  /** A new structure: the next solve starts cold. `charge` is its total charge (e). */
  reset(charge: number): void {
    // The curvature stays for an import of the state just exported (see `exported`); a cold solve
    // (collect) drops it.
    this.charge = charge;
    this.cold = true;
    this.previous = null;
    this.bonds = null;
    this.xPrev = null;
    this.xPrevSolved = null;
    this.xl = null;
  }

  /** True when the next solve searches for the ground state from scratch. */
  get isCold(): boolean {
    return this.cold;
  }

  /** Total charge (e). */
  get totalCharge(): number {
    return this.charge;
  }

  /** The problem the solver sees. */
  problem(): TransferProblem {
    if (!this.bonds || !this.roles) throw new Error("internal: no bonds collected");
    return { bonds: this.bonds, roles: this.roles, charge: this.charge, cg: this.refreshKernel ?? undefined };
  }

  /**
   * The bond set at the current positions. Within one neighbor-list build (`build`, the engine's
   * build counter) the set is kept and only its geometry refreshed; after a new build it is
   * collected again (pairs within the transfer cutoff + `margin`, the list's skin, in a canonical
   * order) and the last state carried over by bond identity (same pair, nearest displacement
   * within 1.5 A): the solution, the one before it, the extended-Lagrangian history and the L-BFGS
   * curvature pairs (their components on unmatched variables set to 0).
   */
  collect(view: NeighborView, build = -1, margin = 0): void {
    if (this.bonds && !this.cold && build >= 0 && build === this.listBuild) {
      if (this.refreshKernel?.holds(this.bonds, view)) this.refreshKernel.refresh(this.bonds, view);
      else refreshBonds(this.tables, view, this.bonds);
      // A channel that died (its coupling went to 0) leaves the variables; one that comes alive
      // starts from 0 (its optimum grows like h^2).
      zeroDiedChannels(this.bonds, this.x);
      return;
    }
    const keep = this.bonds && !this.cold ? this.snapshot() : this.previous;
    this.bonds = sortBonds(collectBonds(this.tables, view, this.bonds ?? undefined, margin));
    this.refreshKernel?.attach(this.bonds, view);
    this.listBuild = build;
    this.roles = stateRoles(this.tables, view.type, view.n);
    const b = this.bonds, n = view.n, nb = b.count;
    this.x = new Float64Array(variableCount(nb, n));
    this.xPrev = null;
    this.xPrevSolved = null;
    this.xl = null;
    this.exported = null;
    if (!this.work || this.work.atoms !== n || this.work.bondCount !== nb) this.work = new TransferWork(n, nb);
    // The index of each new bond in the set the curvature pairs live on (-1: none).
    const oldIndex = new Int32Array(nb).fill(-1);
    if (keep) {
      const slots = Array.from({ length: keep.slots }, () => new Float64Array(this.x.length));
      // One merge over both sets in (i, j) order; within a pair, the nearest displacement (1.5 A).
      let o = 0;
      const before = (m: number, i: number, j: number) => keep.i[m] < i || (keep.i[m] === i && keep.j[m] < j);
      for (let k = 0; k < nb; k++) {
        const i = b.i[k], j = b.j[k];
        while (o < keep.count && before(o, i, j)) o++;
        let best = -1, bestD = 1.5 * 1.5;
        for (let m = o; m < keep.count && keep.i[m] === i && keep.j[m] === j; m++) {
          const d = (keep.dx[m] - b.dx[k]) ** 2 + (keep.dy[m] - b.dy[k]) ** 2 + (keep.dz[m] - b.dz[k]) ** 2;
          if (d < bestD) {
            bestD = d;
            best = m;
          }
        }
        if (best < 0) continue;
        oldIndex[k] = keep.index[best];
        const row = best * 2 * keep.slots;
        for (let s = 0; s < keep.slots; s++) {
          slots[s][k] = keep.v[row + 2 * s];
          slots[s][nb + k] = keep.v[row + 2 * s + 1];
        }
      }
      if (keep.reservoir && keep.reservoir[0].length === n) keep.reservoir.forEach((r, s) => slots[s].set(r, 2 * nb));
      this.x.set(slots[0]);
      // A bond carried without a previous solution (NaN) means there is none to extrapolate from.
      if (keep.slots > 1 && !slots[1].some(Number.isNaN)) {
        this.xPrevSolved = slots[1];
        if (this.extrapolating) this.xPrev = slots[1];
      }
      if (keep.slots > 2) {
        const order = (keep.slots - 3) as XlOrder;
        this.xl = new XlPropagator(this.x.length, order);
        const flat = new Float64Array((order + 1) * this.x.length);
        for (let s = 2; s < keep.slots; s++) flat.set(slots[s], (s - 2) * this.x.length);
        this.xl.setState(flat);
      }
      // Its indices refer to the old set, which the pairs no longer live on.
      this.previous = keep.layout ? { ...keep, layout: null } : keep;
    }
    if (!this.cold && keep?.layout && keep.layout.atoms === n && this.curvature.S.length > 0) this.remapCurvature(keep.layout.bonds, oldIndex);
    else this.curvature.clear();
    if (this.charge !== 0 && !keep) this.x.fill(Math.sqrt(Math.abs(this.charge) / n), 2 * nb);
    zeroDeadChannels(b, this.x);
    this.makeFeasible();
  }

  /**
   * The curvature pairs onto the active variables of the new bond set: a channel takes the
   * components of the same channel of its bond in the old set (`oldIndex`, bond by bond; `oldBonds`
   * bonds there), an atom's reservoir those of its reservoir; anything else gets 0.
   */
  private remapCurvature(oldBonds: number, oldIndex: Int32Array): void {
    const c = this.curvature, old = c.vars;
    if (!old) return c.clear();
    const nb = this.bonds!.count, n = this.roles!.neutral.length;
    // Position of each old variable in the old active list.
    const pos = new Int32Array(2 * oldBonds + n).fill(-1);
    for (let a = 0; a < old.length; a++) if (old[a] < pos.length) pos[old[a]] = a;
    const vars = activeVariables(this.problem(), n);
    const from = new Int32Array(vars.length);
    for (let a = 0; a < vars.length; a++) {
      const v = vars[a];
      let o = -1;
      if (v < 2 * nb) {
        const k = v < nb ? v : v - nb, ko = oldIndex[k];
        if (ko >= 0 && ko < oldBonds) o = v < nb ? ko : oldBonds + ko;
      } else {
        o = 2 * oldBonds + (v - 2 * nb);
      }
      from[a] = o >= 0 ? pos[o] : -1;
    }
    c.remap(vars, from);
  }

  /** The current state by bond identity. */
  private snapshot(): Carry {
    const b = this.bonds!, n = this.roles!.neutral.length, nb = b.count;
    const vectors: Float64Array[] = [this.x, this.xPrevSolved ?? new Float64Array(this.x.length).fill(NaN)];
    if (this.xl) {
      const st = this.xl.state(), len = this.x.length;
      for (let s = 0; s <= this.xl.order; s++) vectors.push(st.subarray(s * len, (s + 1) * len));
    }
    const S = vectors.length, c = allocateCarry(S, nb);
    c.i.set(b.i.subarray(0, nb));
    c.j.set(b.j.subarray(0, nb));
    c.dx.set(b.dx.subarray(0, nb));
    c.dy.set(b.dy.subarray(0, nb));
    c.dz.set(b.dz.subarray(0, nb));
    for (let k = 0; k < nb; k++) c.index[k] = k;
    vectors.forEach((x, s) => {
      for (let k = 0; k < nb; k++) {
        c.v[k * 2 * S + 2 * s] = x[k];
        c.v[k * 2 * S + 2 * s + 1] = x[nb + k];
      }
    });
    c.reservoir = vectors.map((x) => x.slice(2 * nb));
    c.layout = { bonds: nb, atoms: n };
    return c;
  }

  /** Scales the channel amplitudes down until every neutral weight is >= 1e-3 (starts only). */
  private makeFeasible(): void {
    const p = this.problem(), w = this.work!;
    const nb = this.bonds!.count;
    for (let t = 0; t < 200 && weightsFromVariables(p, this.x, w) < 1e-3; t++) {
      for (let k = 0; k < 2 * nb; k++) this.x[k] *= 0.9;
      if (this.charge !== 0) retractReservoir(p, this.x, 2 * nb);
    }
    if (weightsFromVariables(p, this.x, w) < 0) {
      throw new InputError(`total charge ${this.charge} e cannot be placed on ${this.roles!.neutral.length} atoms with the model's states`);
    }
  }

  /** Electronegativity (IP + EA)/2 of each atom from its state energies (NaN without cation or anion). */
  private chi(i: number, type: Int32Array): number {
    const st = this.tables.states[type[i]];
    const c = st.find((s) => s.charge === 1), a = st.find((s) => s.charge === -1);
    return c && a ? 0.5 * (c.energy - a.energy) : NaN;
  }

  /** Start: every channel with a small ionic weight (covalent), or donors ionic toward acceptors. */
  private start(kind: "covalent" | "ionic", type: Int32Array): void {
    const b = this.bonds!, nb = b.count, n = this.roles!.neutral.length;
    this.x.fill(0, 0, 2 * nb);
    if (kind === "covalent") {
      for (let k = 0; k < nb; k++) {
        const v = b.h[k] !== 0 ? Math.sqrt(COVALENT_START_WEIGHT) : 0;
        if (b.fwdOn[k]) this.x[k] = v;
        if (b.revOn[k]) this.x[nb + k] = v;
      }
    } else {
      const chi = Float64Array.from({ length: n }, (_, i) => this.chi(i, type));
      const out = new Float64Array(n), into = new Float64Array(n);
      const eligible = (k: number, fwd: boolean) => {
        const d = fwd ? b.i[k] : b.j[k], a = fwd ? b.j[k] : b.i[k];
        return (fwd ? b.fwdOn[k] : b.revOn[k]) && chi[a] - chi[d] > IONIC_START_GAP;
      };
      for (let k = 0; k < nb; k++) {
        const h2 = b.h[k] * b.h[k];
        if (eligible(k, true)) { out[b.i[k]] += h2; into[b.j[k]] += h2; }
        if (eligible(k, false)) { out[b.j[k]] += h2; into[b.i[k]] += h2; }
      }
      for (let k = 0; k < nb; k++) {
        const h2 = b.h[k] * b.h[k];
        // A listed bond past its coupling's cutoff (h = 0) starts empty (0 / 0 otherwise).
        if (h2 === 0) continue;
        if (eligible(k, true)) this.x[k] = Math.sqrt(IONIC_START_WEIGHT * Math.min(h2 / out[b.i[k]], h2 / into[b.j[k]]));
        if (eligible(k, false)) this.x[nb + k] = Math.sqrt(IONIC_START_WEIGHT * Math.min(h2 / out[b.j[k]], h2 / into[b.i[k]]));
      }
    }
    this.makeFeasible();
  }

  /** Two buffers for the solution before the current one, used in turn (no allocation per MD step). */
  private spares: Float64Array[] = [];

  /** A copy of `x` in a buffer that neither {@link xPrev} nor {@link xPrevSolved} holds. */
  private spare(x: Float64Array): Float64Array {
    let b = this.spares.find((v) => v !== this.xPrev && v !== this.xPrevSolved && v.length === x.length);
    if (!b) {
      b = new Float64Array(x.length);
      this.spares = [...this.spares.filter((v) => v.length === x.length).slice(-1), b];
    }
    b.set(x);
    return b;
  }

  /** Along a trajectory the next start: 2 x_t - x_(t-1) (O(dt^2) from the answer), or x_t without a solution before. */
  private extrapolated(): Float64Array {
    const trial = this.x.slice();
    if (this.xPrev && this.extrapolating) for (let k = 0; k < trial.length; k++) trial[k] = 2 * this.x[k] - this.xPrev[k];
    return trial;
  }

  /** Connected groups of atoms (bonds with a channel), as a component index per atom. */
  components(): Int32Array {
    const b = this.bonds!, n = this.roles!.neutral.length;
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    for (let k = 0; k < b.count; k++) if (b.fwdOn[k] || b.revOn[k]) parent[find(b.i[k])] = find(b.j[k]);
    return Int32Array.from({ length: n }, (_, i) => find(i));
  }

  /**
   * Minimizes the energy over the variables. Warm: from the carried-over solution. Cold: from an
   * ionic and then a covalent start (the second with a budget of a few times the first's work),
   * keeping the lower energy; with several bonded groups (molecules),
   * each group then tries the other start's solution with the rest kept, so that every fragment ends
   * in its own lowest basin. Throws CalculationFailed when no minimization converges.
   */
  solve(mf: MeanFieldSystem, type: Int32Array, opts: BondSolverOptions): BondSolveReport {
    const p = this.problem();
    this.exported = null;
    const run = (x: Float64Array, maxIterations = opts.maxIterations, curvature?: CurvatureHistory): TransferSolveResult =>
      minimizeTransfer(p, mf, x, maxIterations === opts.maxIterations ? opts : { ...opts, maxIterations }, this.work!, curvature);
    let evaluations = 0, iterations = 0;
    let last: TransferSolveResult;
    if (!this.cold) {
      // The solution before this solve, in a buffer of its own (not the one xPrev holds).
      const solved = this.spare(this.x);
      // Charged systems solve every step to the tolerance: there the capped solves did not hold
      // (64-atom NaCl cell with Q = +1, 300 K: about 570 evaluations per step against 337 for the
      // exact path, which is itself slow there: the reservoir amplitudes on their sphere).
      const xl = p.charge === 0 ? (opts.xl ?? null) : null;
      if (xl) {
        // Extended Lagrangian: from the auxiliary amplitudes, a fixed amount of work per step.
        if (!this.xl || this.xl.order !== xl.order || this.xl.size !== this.x.length) {
          this.xl = new XlPropagator(this.x.length, xl.order);
          this.xl.init(this.x);
          this.xlSteps = 0;
        }
        // The history is filled with real solutions first: those solves start extrapolated and run
        // to the tolerance. Then each step is one truncated Newton step from the auxiliary
        // amplitudes (newton, xl-newton.ts), or capped L-BFGS from them that keeps the curvature
        // pairs of the steps before (lbfgs; measured on 64-atom NaCl: without the pairs three
        // iterations leave the energy 1e-5 eV/atom above the ground state, with them 1e-7).
        const capped = this.xlSteps > xl.order;
        if (capped) {
          // (a neutral system: the active variables are the live channels, the only entries the
          // weights read, and x is 0 on the others already)
          const act = activeVariables(p, this.roles!.neutral.length), current = this.xl.current;
          const start = this.work!.scratch(23, this.x.length);
          for (let a = 0; a < act.length; a++) start[act[a]] = current[act[a]];
          if (weightsFromVariables(p, start, this.work!) >= 0) for (let a = 0; a < act.length; a++) this.x[act[a]] = start[act[a]];
        } else {
          const start = this.extrapolated();
          zeroDeadChannels(p.bonds, start);
          if (p.charge !== 0) retractReservoir(p, start, 2 * this.bonds!.count);
          if (weightsFromVariables(p, start, this.work!) >= 0) this.x.set(start);
        }
        if (!capped || xl.method !== "lbfgs") this.curvature.clear();
        if (!capped) last = run(this.x);
        else if ((xl.method ?? "newton") === "newton") last = newtonXlStep(p, mf, this.x, xl.iterations, this.work!, "exact", opts.preconditioner);
        else if (xl.method === "frozen" || xl.method === "shadow") last = newtonXlStep(p, mf, this.x, xl.iterations, this.work!, xl.method, opts.preconditioner);
        else last = run(this.x, xl.iterations, this.curvature);
        evaluations += last.evaluations;
        iterations += last.iterations;
        if (DEBUG_XL) console.error(`xl step ${this.xlSteps} capped ${capped} it ${last.iterations} ev ${last.evaluations} g ${last.gradient.toExponential(2)} dec ${last.decrement?.toExponential(2)} conv ${last.converged}`);
        // A capped answer is trusted by its estimated distance from the ground state: the Newton
        // decrement over the diagonal curvature per atom (size-independent), or, for lbfgs, the
        // largest scaled gradient component.
        const decrementLimit = xl.method === "shadow" ? XL_TRUST_SHADOW_DECREMENT : XL_TRUST_DECREMENT;
        const trusted = (r: TransferSolveResult) => (r.decrement !== undefined ? r.decrement <= decrementLimit : r.gradient <= XL_TRUST_GRADIENT);
        if (capped && !last.converged && Number.isFinite(last.energy) && !trusted(last)) {
          // Far from the ground state: finish the solve.
          last = run(this.x);
          evaluations += last.evaluations;
          iterations += last.iterations;
          // The auxiliary history is kept: it is fed this step's converged answer below like any
          // other. (Until 2026-12-07 it restarted from here, which cost `order` + 1 further
          // solves to the tolerance: in 216-atom LiH of a model with neutral weights near 0.01, where
          // about one capped step in 15 is untrusted (the frozen-product Hessian, which leaves out
          // the mean field's response, has soft directions there and the truncated Newton step
          // overshoots along them), 43 of 60 steps were full solves and a step cost 3.6 times more.)
        }
        const ok = Number.isFinite(last.energy) && (last.converged || (capped && trusted(last)));
        if (!ok) {
          this.cold = true;
          this.xl = null;
        } else {
          this.xl.update(this.x, activeVariables(p, this.roles!.neutral.length));
          this.xlSteps++;
          this.xPrev = solved;
          this.xPrevSolved = solved;
        }
      } else {
        const trial = this.extrapolated();
        zeroDeadChannels(p.bonds, trial);
        if (p.charge !== 0) retractReservoir(p, trial, 2 * this.bonds!.count);
        if (weightsFromVariables(p, trial, this.work!) >= 0) this.x.set(trial);
        last = run(this.x);
        evaluations += last.evaluations;
        iterations += last.iterations;
        if (!last.converged) this.cold = true;
        else {
          this.xPrev = solved;
          this.xPrevSolved = solved;
        }
      }
    }
    if (this.cold) {
      const results: { x: Float64Array; r: TransferSolveResult }[] = [];
      for (const kind of ["ionic", "covalent"] as const) {
        this.start(kind, type);
        const x = this.x.slice();
        // Once the first start has converged, the second gets a budget of a few times its work: in
        // ionic crystals the covalent start crawls towards the ionic limit for its whole budget
        // (measured on 64-atom NaCl: 3000 iterations, 7 s of a 10 s cold solve, ending 34 eV above
        // the ionic start's minimum, which took 500). A second start that has not converged by then
        // is not kept (the sort below prefers converged runs).
        const first = results[0]?.r;
        const budget = first?.converged ? Math.min(opts.maxIterations, Math.max(COLD_SECOND_START_MIN, COLD_SECOND_START_FACTOR * first.iterations)) : opts.maxIterations;
        const r = run(x, budget);
        if (DEBUG_XL) console.error(`cold ${kind}: ${r.iterations} iterations, ${r.evaluations} evaluations, converged ${r.converged}, E ${r.energy}`);
        evaluations += r.evaluations;
        iterations += r.iterations;
        results.push({ x, r });
      }
      // Converged runs with a finite energy first, then the lower energy.
      const ok = (r: TransferSolveResult) => r.converged && Number.isFinite(r.energy);
      results.sort((u, v) => (ok(u.r) === ok(v.r) ? u.r.energy - v.r.energy : ok(u.r) ? -1 : 1));
      let best = results[0];
      const comp = this.components();
      const groups = new Set(comp);
      if (groups.size > 1 && results[1].r.converged) {
        const b = this.bonds!, nb = b.count;
        for (const g of groups) {
          const trial = best.x.slice();
          for (let k = 0; k < nb; k++) {
            if (comp[b.i[k]] !== g) continue;
            const other = results.find((r) => r !== best)!.x;
            trial[k] = other[k];
            trial[nb + k] = other[nb + k];
          }
          const r = run(trial);
          evaluations += r.evaluations;
          iterations += r.iterations;
          if (r.converged && r.energy < best.r.energy - 1e-12 * Math.max(1, Math.abs(best.r.energy))) best = { x: trial, r };
        }
      }
      this.x.set(best.x);
      this.xPrev = null;
      this.xPrevSolved = null;
      this.xl = null;
      // The mean field must be left at the kept solution.
      last = run(this.x);
      evaluations += last.evaluations;
      if (!last.converged) {
        throw new CalculationFailed(
          `bond-transfer solver did not converge (largest gradient ${last.gradient.toExponential(2)} eV, tolerance ${opts.tolerance}) after ${iterations} iterations`,
        );
      }
      this.cold = false;
    }
    return { evaluations, iterations, gradient: last!.gradient, energy: last!.energy, linear: last!.linear };
  }

  /**
   * The latent state as a flat array that survives a new bond list (restarts, warm starts of another
   * engine): [-1 (format mark), bond count c, slots S, extended-Lagrangian solves so far, then per
   * bond i, j, dx, dy, dz and the forward and reverse amplitudes of each slot, then S x atoms
   * reservoir amplitudes]. Slot 0 is the solution, slot 1 the solution before (NaN when there is
   * none), slots 2..S-1 the extended-Lagrangian history, newest first. Before any solve it is the
   * carried-over state, or empty. {@link importState} also reads the older form [c, 9 values per
   * bond (i, j, dx, dy, dz, amplitudes now and before), reservoir per atom].
   */
  exportState(atoms: number): Float64Array {
    const carry = this.bonds && !this.cold ? this.snapshot() : this.previous;
    const out = encodeCarry(carry, atoms, this.xlSteps);
    if (carry?.layout) this.exported = { state: out.slice(), carry };
    return out;
  }

  /** Takes a state of {@link exportState} (same atoms) as the warm start of the next solve. */
  importState(state: ArrayLike<number>, atoms: number): void {
    // The state this solver just exported (a cell reloaded with its own state, every barostat
    // step): its carried form is still at hand, with the identity of the curvature's variables, so
    // it is neither checked nor decoded again (that was a sixth of an NPT step at 216 atoms).
    const ex = this.exported;
    if (ex !== null && sameState(state, ex.state)) {
      this.previous = ex.carry;
      this.exported = null;
      this.xlSteps = state[3];
      this.bonds = null;
      this.cold = false;
      return;
    }
    const { carry: carried, xlSteps } = decodeCarry(state, atoms);
    // Another state than the one just exported: the curvature pairs belong to something else.
    this.curvature.clear();
    this.previous = carried;
    this.exported = null;
    this.xlSteps = xlSteps;
    this.bonds = null;
    this.cold = false;
  }

  /** Neutral weights of the current solution (per atom), from the last weightsFromVariables call. */
  neutralWeights(): Float64Array {
    weightsFromVariables(this.problem(), this.x, this.work!);
    return this.work!.w0;
  }

  /** Slot weight rows (atoms x 4) of the current solution: a view of the work arrays, valid until the next solve. */
  weightRows(): Float64Array {
    weightsFromVariables(this.problem(), this.x, this.work!);
    return this.work!.w;
  }

  /** Channel amplitudes (forward, reverse) of the current solution. */
  amplitudes(): { forward: Float64Array; reverse: Float64Array } {
    const nb = this.bonds!.count;
    return { forward: this.x.subarray(0, nb), reverse: this.x.subarray(nb, 2 * nb) };
  }
}

/** Same numbers, bit for bit (NaN equal to NaN: the slot before the first solution). */
function sameState(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

