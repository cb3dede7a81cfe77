/**
 * The bond-transfer solver state of one structure: the bond set at the current positions, the
 * latent variables (channel and reservoir amplitudes), warm starts along a trajectory and the
 * cold-start search for a new structure. The engine supplies the neighbor list and the mean field.
 *
 * Browser-safe; no wasm.
 */
import { CalculationFailed, InputError } from "../../errors.js";
import type { EctTables } from "../tables.js";
import type { BondSet, StateRoles } from "./bonds.js";
import { collectBonds, refreshBonds, sortBonds, stateRoles, type NeighborView } from "./bond-list.js";
import { type MeanFieldSystem, type TransferProblem, TransferWork, variableCount, weightsFromVariables } from "./transfer-energy.js";
import { minimizeTransfer, retractReservoir, type TransferSolveResult } from "./transfer-solver.js";

/** Settings of the bond-transfer solver. */
export interface BondSolverOptions {
  /** Convergence: largest |dE/d amplitude| (eV). */
  tolerance: number;
  /** Iterations of one minimization. */
  maxIterations: number;
}

/** Iteration budget of a cold solve's second start: this many times the first start's iterations ... */
const COLD_SECOND_START_FACTOR = 4;
/** ... and at least this many. */
const COLD_SECOND_START_MIN = 400;

export const BOND_SOLVER_DEFAULTS: BondSolverOptions = { tolerance: 1e-8, maxIterations: 3000 };

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
}

/** One bond's solution by identity: displacement (A), amplitudes now and at the solve before (NaN if none). */
interface Entry {
  dx: number;
  dy: number;
  dz: number;
  f: number;
  r: number;
  fPrev: number;
  rPrev: number;
}

export class BondTransfer {
  bonds: BondSet | null = null;
  roles: StateRoles | null = null;
  /** Variables of the current bond set (2 per bond, then 1 per atom). */
  x = new Float64Array(0);
  private work: TransferWork | null = null;
  private charge = 0;
  private cold = true;
  /** Last solution by bond identity (i, j and displacement), for warm starts after a new bond list. */
  private previous: Map<number, Entry[]> | null = null;
  private previousReservoir: Float64Array | null = null;
  /** Neighbor-list build the bond set belongs to (between builds the set is kept and refreshed). */
  private listBuild = -1;
  /** The solution before the current one on the same bond set (the next start is extrapolated). */
  private xPrev: Float64Array | null = null;

  constructor(readonly tables: EctTables) {}

  /** A new structure: the next solve starts cold. `charge` is its total charge (e). */
  reset(charge: number): void {
    this.charge = charge;
    this.cold = true;
    this.previous = null;
    this.previousReservoir = null;
    this.bonds = null;
    this.xPrev = null;
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
    return { bonds: this.bonds, roles: this.roles, charge: this.charge };
  }

  /**
   * The bond set at the current positions. Within one neighbor-list build (`build`, the engine's
   * build counter) the set is kept and only its geometry refreshed; after a new build it is
   * collected again (pairs within the transfer cutoff + `margin`, the list's skin, in a canonical
   * order) and the last solution carried over by bond identity (same pair, nearest displacement
   * within 1.5 A).
   */
  collect(view: NeighborView, build = -1, margin = 0): void {
    if (this.bonds && !this.cold && build >= 0 && build === this.listBuild) {
      refreshBonds(this.tables, view, this.bonds);
      return;
    }
    const keep = this.bonds && !this.cold ? this.snapshot() : this.previous;
    this.bonds = sortBonds(collectBonds(this.tables, view, this.bonds ?? undefined, margin));
    this.listBuild = build;
    this.roles = stateRoles(this.tables, view.type, view.n);
    const b = this.bonds, n = view.n;
    this.x = new Float64Array(variableCount(b.count, n));
    this.xPrev = null;
    if (!this.work || this.work.atoms !== n || this.work.bondCount !== b.count) this.work = new TransferWork(n, b.count);
    if (keep) {
      const prev = new Float64Array(this.x.length);
      let havePrev = true;
      for (let k = 0; k < b.count; k++) {
        const list = keep.get(b.i[k] * n + b.j[k]);
        if (!list) continue;
        let best = -1, bestD = 1.5 * 1.5;
        list.forEach((e, m) => {
          const d = (e.dx - b.dx[k]) ** 2 + (e.dy - b.dy[k]) ** 2 + (e.dz - b.dz[k]) ** 2;
          if (d < bestD) {
            bestD = d;
            best = m;
          }
        });
        if (best >= 0) {
          const e = list[best];
          this.x[k] = e.f;
          this.x[b.count + k] = e.r;
          if (Number.isNaN(e.fPrev)) havePrev = false;
          prev[k] = e.fPrev;
          prev[b.count + k] = e.rPrev;
        }
      }
      if (this.previousReservoir && this.previousReservoir.length === n) {
        this.x.set(this.previousReservoir, 2 * b.count);
        prev.set(this.previousReservoir, 2 * b.count);
      }
      if (havePrev && this.extrapolating) this.xPrev = prev;
      this.previous = keep;
    }
    if (this.charge !== 0 && !keep) this.x.fill(Math.sqrt(Math.abs(this.charge) / n), 2 * b.count);
    this.makeFeasible();
  }

  /** The solution before the current one (for the state: extrapolation after a restart). */
  private xPrevSolved: Float64Array | null = null;

  /** Whether warm solves start from the last two solutions extrapolated (MD), see {@link solve}. */
  extrapolating = true;

  /** The current solution keyed by bond identity. */
  private snapshot(): Map<number, Entry[]> {
    const b = this.bonds!, n = this.roles!.neutral.length;
    const out = new Map<number, Entry[]>();
    const pv = this.xPrevSolved;
    for (let k = 0; k < b.count; k++) {
      const key = b.i[k] * n + b.j[k];
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ dx: b.dx[k], dy: b.dy[k], dz: b.dz[k], f: this.x[k], r: this.x[b.count + k], fPrev: pv ? pv[k] : NaN, rPrev: pv ? pv[b.count + k] : NaN });
    }
    this.previousReservoir = this.x.slice(2 * b.count);
    return out;
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
    const run = (x: Float64Array, maxIterations = opts.maxIterations): TransferSolveResult =>
      minimizeTransfer(p, mf, x, maxIterations === opts.maxIterations ? opts : { ...opts, maxIterations }, this.work!);
    let evaluations = 0, iterations = 0;
    let last: TransferSolveResult;
    if (!this.cold) {
      // Along a trajectory: start from 2 x_t - x_(t-1) when that is feasible (O(dt^2) from the answer).
      const solved = this.x.slice();
      if (this.xPrev && this.extrapolating) {
        const trial = this.x.slice();
        for (let k = 0; k < trial.length; k++) trial[k] = 2 * this.x[k] - this.xPrev[k];
        if (p.charge !== 0) retractReservoir(p, trial, 2 * this.bonds!.count);
        if (weightsFromVariables(p, trial, this.work!) >= 0) this.x.set(trial);
      }
      last = run(this.x);
      evaluations += last.evaluations;
      iterations += last.iterations;
      if (!last.converged) this.cold = true;
      else {
        this.xPrev = solved;
        this.xPrevSolved = solved;
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
    return { evaluations, iterations, gradient: last!.gradient, energy: last!.energy };
  }

  /**
   * The solution as a flat array that survives a new bond list (restarts, warm starts of another
   * engine): [bond count, then 9 values per bond, then one reservoir amplitude per atom]; a bond is
   * i, j, dx, dy, dz, its forward and reverse amplitudes and the two amplitudes
   * of the solve before (NaN when there is none; the next start is extrapolated from both). Before
   * any solve it is the carried-over state, or empty.
   */
  exportState(atoms: number): Float64Array {
    const map = this.bonds && !this.cold ? this.snapshot() : this.previous;
    const entries: number[] = [];
    let count = 0;
    if (map) {
      for (const [key, list] of map) {
        for (const e of list) {
          entries.push(Math.floor(key / atoms), key % atoms, e.dx, e.dy, e.dz, e.f, e.r, e.fPrev, e.rPrev);
          count++;
        }
      }
    }
    const out = new Float64Array(1 + entries.length + atoms);
    out[0] = count;
    out.set(entries, 1);
    const res = this.previousReservoir;
    if (res && res.length === atoms) out.set(res, 1 + entries.length);
    return out;
  }

  /** Takes a state of {@link exportState} (same atoms) as the warm start of the next solve. */
  importState(state: ArrayLike<number>, atoms: number): void {
    const count = state[0];
    if (!(Number.isInteger(count) && count >= 0 && state.length === 1 + 9 * count + atoms)) {
      throw new InputError(`bond-transfer state has ${state.length} values, expected 1 + 9 x ${count} bonds + ${atoms} atoms`);
    }
    for (let k = 0; k < state.length; k++) {
      // the previous amplitudes are NaN when there were none
      const prevSlot = k >= 1 && k < 1 + 9 * count && (k - 1) % 9 >= 7;
      if (!Number.isFinite(state[k]) && !(prevSlot && Number.isNaN(state[k]))) throw new InputError(`bond-transfer state value ${k} is ${state[k]}, expected a finite number`);
    }
    const map = new Map<number, Entry[]>();
    for (let b = 0; b < count; b++) {
      const o = 1 + 9 * b;
      const i = state[o], j = state[o + 1];
      if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < atoms && j < atoms)) {
        throw new InputError(`bond-transfer state bond ${b} joins atoms ${i} and ${j}, expected indices below ${atoms}`);
      }
      const key = i * atoms + j;
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push({ dx: state[o + 2], dy: state[o + 3], dz: state[o + 4], f: state[o + 5], r: state[o + 6], fPrev: state[o + 7], rPrev: state[o + 8] });
    }
    this.previous = map;
    this.previousReservoir = Float64Array.from({ length: atoms }, (_, k) => state[1 + 9 * count + k]);
    this.bonds = null;
    this.cold = false;
  }

  /** Neutral weights of the current solution (per atom), from the last weightsFromVariables call. */
  neutralWeights(): Float64Array {
    weightsFromVariables(this.problem(), this.x, this.work!);
    return this.work!.w0;
  }

  /** Channel amplitudes (forward, reverse) of the current solution. */
  amplitudes(): { forward: Float64Array; reverse: Float64Array } {
    const nb = this.bonds!.count;
    return { forward: this.x.subarray(0, nb), reverse: this.x.subarray(nb, 2 * nb) };
  }
}
