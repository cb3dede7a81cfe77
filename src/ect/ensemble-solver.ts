/**
 * The ensemble weight solver of ECT-EAM models without bond transfer: per-atom weights of the
 * isolated-atom states at one chemical potential, converged by Anderson-accelerated fixed point or
 * trust-region Newton (solver-newton.ts), from a cold multi-start search (neutral, ionic, annealed,
 * resonance-seeded, fragment by fragment) or warm from the last solution; and its warm start for
 * restarts. It sees the engine only through `EctKernelPort` (kernel-port.ts), so it can run on a
 * TypeScript stand-in for the kernels; `EctEngine` owns one and passes its settings to each solve.
 */
import { CalculationFailed, InputError } from "../errors.js";
import { AndersonMixer } from "./anderson.js";
import type { EctKernelPort } from "./kernel-port.js";
import { minimizeWeights, type WeightSystem } from "./solver-newton.js";
import { MAX_STATES } from "./table-layout.js";
import type { EctTables } from "./tables.js";
import { clampWeights, extrapolateWeights, fragmentsWithin, seedResonance, startWeights, type WeightAtoms } from "./weight-starts.js";

/** Atoms closer than this (A) belong to the same fragment for the solver's cold-start search. */
const BOND_RANGE = 4.0;
/** Iteration budget of each cold-start candidate (and of each annealing level). */
const COLD_START_ITERATIONS = 150;
/** Trust-region iterations and energy evaluations allowed to one Newton solve. */
const NEWTON_ITERATIONS = 200;
const NEWTON_EVALUATIONS = 20000;
/** Share of the Boltzmann weights mixed into a start before Newton, so that no state is exactly empty. */
const THERMAL_SEED = 1e-8;
/** Largest atom move since the last solve (A) for which the next start is extrapolated (resonance models). */
const EXTRAPOLATE_MAX_MOVE = 0.25;

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

/** The defaults of {@link EctSolverOptions}. */
export const SOLVER_DEFAULTS: Required<EctSolverOptions> = { tolerance: 1e-11, maxIterations: 1000, mixing: 0.5, history: 8, annealFrom: 0.25 };

/**
 * Throws InputError when `opts` cannot drive a solve: the settings are a plain object that callers
 * change between evaluations (`EctEngine.solver`), so a NaN or zero tolerance would otherwise only
 * show up as a solve that never converges.
 */
export function checkSolverSettings(opts: Required<EctSolverOptions>): void {
  const bad = (name: string, want: string) => new InputError(`ECT weight solver: ${name} must be ${want}, got ${opts[name as keyof EctSolverOptions]}`);
  if (!(opts.tolerance > 0 && opts.tolerance < 1)) throw bad("tolerance", "a weight change in (0, 1)");
  if (!(Number.isInteger(opts.maxIterations) && opts.maxIterations >= 1)) throw bad("maxIterations", "a whole number >= 1");
  if (!(opts.mixing > 0 && opts.mixing <= 1)) throw bad("mixing", "in (0, 1]");
  if (!(Number.isInteger(opts.history) && opts.history >= 1)) throw bad("history", "a whole number >= 1");
  if (!(opts.annealFrom > 0 && opts.annealFrom < Infinity)) throw bad("annealFrom", "a positive kT in eV");
}

/** What the weight solver did in the last evaluation. */
export interface SolverReport {
  iterations: number;
  /** Largest weight change of the last iteration. */
  residual: number;
  /** Electron chemical potential, eV. */
  mu: number;
}

/** What the weight solver reads of the model's tables: the states of each element and the electronic kT (eV). */
export type EnsembleTables = Pick<EctTables, "states" | "kT">;

/** The weight solver of one engine: its warm start (weights in the kernels' buffer, mu, the solution before) and counters. */
export class EnsembleSolver {
  /** True when the next solve searches from scratch (new structure, `reset`). */
  private cold = true;
  /** Total charge (e) the electron target is set from. */
  private totalCharge = 0;
  private lastResidual = 0;
  /** True when the last iterate() ended with the kernels evaluated at the weights it kept. */
  private evaluated = false;
  /** Kernel evaluations of the current solve. */
  private spent = 0;

  constructor(
    private readonly k: EctKernelPort,
    private readonly tables: EnsembleTables,
  ) {}

  /**
   * Every atom in its neutral state, the electron target from `totalCharge` (e), mu = 0; the next
   * solve is cold.
   */
  reset(totalCharge: number): void {
    this.totalCharge = totalCharge;
    this.previousWeights = null;
    this.startWeights(false);
    this.k.set("mu", 0);
    this.cold = true;
  }

  /** Initial weights (weight-starts.ts), neutral or ionic; sets the electron target from the total charge. */
  private startWeights(ionic: boolean): void {
    const electrons = startWeights(this.atoms(), this.k.f64("weights"), ionic);
    this.k.set("nTotal", electrons - this.totalCharge);
  }

  /** The loaded atoms as the start helpers see them. */
  private atoms(): WeightAtoms {
    return { n: this.k.n, types: this.k.i32("type"), states: this.tables.states };
  }

  /**
   * Converges the weights at the current positions. From a cold start (new structure, or `coldStart`)
   * the electronic temperature is annealed from `annealFrom` down to the model's kT, warm-starting each
   * level: at high kT the grand potential has a single minimum, and following it down finds the lowest
   * basin (ionic or neutral) instead of the stationary point nearest the neutral-atom guess. Otherwise
   * the previous weights are the start (MD, scans), which follows a basin adiabatically. `opts` are
   * this solve's settings (checked first: InputError).
   */
  solve(opts: Required<EctSolverOptions>): SolverReport {
    checkSolverSettings(opts);
    const target = this.tables.kT;
    let total = 0;
    this.spent = 0;
    this.k.set("epsForces", 0);
    if (this.cold) {
      // Several starts, keep the lowest grand potential. The neutral-atom start finds covalent and
      // neutral ground states but stays in the neutral basin of ionic systems (transferring a little
      // charge costs IP - EA to first order; the Coulomb gain is second order). The ionic start puts
      // the most electropositive atoms in their cation and the most electronegative in their anion
      // state. Annealing follows the high-kT minimum down. With resonance couplings, the neutral and
      // ionic starts are also tried with some weight in every ionic state: the clamp at 1e-14 makes
      // pure states local minima (a pocket where the coupling is off), and a seeded start lies in
      // the basin of the mixed (avoided-crossing) minimum. Failed starts are skipped.
      const size = this.k.n * MAX_STATES;
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
        if (start.seed) seedResonance(this.atoms(), this.k.f64("weights"));
        try {
          // Candidates get a shorter budget than a warm solve: a start that does not settle quickly
          // is usually heading for a basin another start reaches directly.
          const budget = Math.min(opts.maxIterations, COLD_START_ITERATIONS);
          total += start.anneal ? this.anneal(opts, target, budget) : this.converge(opts, opts.tolerance, budget);
        } catch (err) {
          if (!(err instanceof CalculationFailed)) throw err;
          lastError = err;
          continue;
        }
        this.k.evaluate();
        const omega = this.k.grandPotential();
        if (!best || omega < best.omega - 1e-12 * Math.max(1, Math.abs(omega))) {
          best = { omega, w: this.k.f64("weights").slice(0, size), mu: this.k.get("mu") };
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
              if (seed) seedResonance(this.atoms(), this.k.f64("weights"));
              const start = this.k.f64("weights");
              for (const i of atomsOf) for (let m = 0; m < MAX_STATES; m++) trial[i * MAX_STATES + m] = start[i * MAX_STATES + m];
              this.k.f64("weights").set(trial);
              this.k.set("mu", best.mu);
              try {
                total += this.converge(opts, opts.tolerance);
              } catch (err) {
                if (!(err instanceof CalculationFailed)) throw err;
                continue;
              }
              this.k.evaluate();
              const omega = this.k.grandPotential();
              if (omega < best.omega - 1e-12 * Math.max(1, Math.abs(omega))) {
                best = { omega, w: this.k.f64("weights").slice(0, size), mu: this.k.get("mu") };
              }
            }
          }
        }
      }
      this.k.f64("weights").set(best.w);
      this.k.set("mu", best.mu);
      this.k.set("epsForces", 1);
      this.k.evaluate();
      // The residual belongs to the kept weights (ectUpdateWeights leaves them and the kernels alone).
      this.lastResidual = this.fixedPointResidual();
    } else {
      // Warm start: usually converged at the first evaluation, whose pair forces are then final.
      this.k.set("epsForces", 1);
      const size = this.k.n * MAX_STATES;
      // Along a trajectory (small moves since the last solve) models with resonance start from
      // weights extrapolated from the last two solutions.
      const smooth = this.maxMoveSinceSolve() <= EXTRAPOLATE_MAX_MOVE;
      const last = this.hasResonance() && smooth ? this.k.f64("weights").slice(0, size) : null;
      if (last && this.previousWeights) extrapolateWeights(this.atoms(), this.k.f64("weights"), last, this.previousWeights);
      try {
        this.evaluated = false;
        total += this.converge(opts, opts.tolerance, Math.min(200, opts.maxIterations));
        this.previousWeights = last;
      } catch (err) {
        // The basin followed from the last step vanished (an ionic state turning unstable as a bond
        // stretches): start again from neutral atoms with annealing.
        if (!(err instanceof CalculationFailed)) throw err;
        const before = this.spent;
        this.reset(this.totalCharge);
        this.k.invalidateForces();
        const report = this.solve(opts);
        report.iterations += before;
        return report;
      }
      // The kernels' state belongs to the converged weights already (see iterate).
      if (!this.evaluated) this.k.evaluate();
    }
    this.cold = false;
    this.rememberPositions();
    // Every evaluation counts, including those of starts that were abandoned.
    return { iterations: Math.max(total, this.spent), residual: this.lastResidual, mu: this.k.get("mu") };
  }

  /** Positions (x, y, z of the owned atoms, A) of the last solve, for {@link maxMoveSinceSolve}. */
  private solvedPositions: Float64Array | null = null;

  private rememberPositions(): void {
    const x = this.k.f64("x"), y = this.k.f64("y"), z = this.k.f64("z");
    const p = this.solvedPositions?.length === 3 * this.k.n ? this.solvedPositions : new Float64Array(3 * this.k.n);
    for (let i = 0; i < this.k.n; i++) {
      p[3 * i] = x[i];
      p[3 * i + 1] = y[i];
      p[3 * i + 2] = z[i];
    }
    this.solvedPositions = p;
  }

  /** Largest displacement of an atom since the last solve (A); Infinity when there is none. */
  private maxMoveSinceSolve(): number {
    const p = this.solvedPositions;
    if (!p || p.length !== 3 * this.k.n) return Infinity;
    const x = this.k.f64("x"), y = this.k.f64("y"), z = this.k.f64("z");
    let m2 = 0;
    for (let i = 0; i < this.k.n; i++) {
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

  /** True when the model has resonance couplings (their cutoff is set only then). */
  private hasResonance(): boolean {
    return this.k.get("resCutoff") > 0;
  }

  /**
   * Converges the weights from the current ones. Without resonance couplings: Anderson-accelerated
   * fixed point (one iteration in warm MD), and the trust-region Newton minimization of Omega from
   * the same start when that does not converge within its budget. With resonance couplings: Newton
   * only, because the fixed-point map is then both stiff (fourth roots) and prone to jump into the
   * clamped pure-state pocket, a fixed point with a higher Omega than the mixed minimum it left.
   * Returns the kernel evaluations spent; throws CalculationFailed when no method converges.
   */
  private converge(opts: Required<EctSolverOptions>, tolerance: number, budget = opts.maxIterations): number {
    const before = this.spent;
    if (this.hasResonance()) {
      this.newton(tolerance);
      return this.spent - before;
    }
    const size = this.k.n * MAX_STATES;
    const start = this.k.f64("weights").slice(0, size);
    const mu = this.k.get("mu");
    try {
      return this.iterate(opts, tolerance, budget);
    } catch (err) {
      if (!(err instanceof CalculationFailed)) throw err;
      this.k.f64("weights").set(start);
      this.k.set("mu", mu);
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
    const size = this.k.n * MAX_STATES;
    const forces = this.k.get("epsForces");
    this.k.set("epsForces", 0);
    try {
      this.spent++;
      this.k.evaluate();
      if (this.k.updateWeights() < 0) {
        throw new InputError(`total charge ${this.k.get("nTotal")} electrons cannot be reached with the model's states`);
      }
      const w = this.k.f64("weights").slice(0, size);
      const g = this.k.f64("weightsNew");
      for (let k = 0; k < size; k++) w[k] = (1 - THERMAL_SEED) * w[k] + THERMAL_SEED * g[k];
      const result = minimizeWeights(this.weightSystem(), w, { tolerance, maxIterations: NEWTON_ITERATIONS, maxEvaluations: NEWTON_EVALUATIONS });
      this.spent += result.evaluations;
      this.lastResidual = result.residual;
      if (!result.converged) {
        throw new CalculationFailed(
          `ECT weight solver (trust-region Newton) did not converge in ${result.iterations} iterations at kT = ${this.k.get("kT")} eV (largest weight change ${result.residual.toExponential(2)}, tolerance ${tolerance})`,
        );
      }
    } finally {
      this.k.set("epsForces", forces);
      this.evaluated = false;
    }
  }

  /** The kernels as the Newton solver sees them: energy, eps and Hessian-vector products in the weights. */
  private weightSystem(): WeightSystem {
    const size = this.k.n * MAX_STATES;
    const types = this.k.i32("type");
    const atomOf = new Int32Array(size).fill(-1);
    const electrons = new Float64Array(size);
    for (let i = 0; i < this.k.n; i++) {
      this.tables.states[types[i]].forEach((st, m) => {
        atomOf[i * MAX_STATES + m] = i;
        electrons[i * MAX_STATES + m] = st.electrons;
      });
    }
    const resCutoff = this.k.get("resCutoff");
    const plus = new Float64Array(size), base = new Float64Array(size), baseW = new Float64Array(size);
    let baseValid = false;
    const load = (w: Float64Array) => this.k.f64("weights").set(w.subarray(0, size));
    return {
      slots: size,
      kT: this.k.get("kT"),
      atomOf,
      electrons,
      electronTarget: this.k.get("nTotal"),
      energy: (w, eps) => {
        load(w);
        this.k.evaluate();
        eps.set(this.k.f64("eps").subarray(0, size));
        return this.k.energy();
      },
      hessVec: (w, u, out) => {
        out.fill(0);
        if (resCutoff > 0) {
          // The fourth roots' curvature exactly, from the kernels (ghost weights restored first).
          load(w);
          this.k.charges();
          this.k.f64("weightsNew").set(u.subarray(0, size));
          this.k.resonanceHessVec();
          out.set(this.k.f64("eps").subarray(0, size));
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
        this.k.set("resCutoff", 0);
        try {
          const x = this.k.f64("weights");
          let same = baseValid;
          for (let k = 0; same && k < size; k++) same = baseW[k] === w[k];
          if (!same) {
            baseW.set(w.subarray(0, size));
            x.set(baseW);
            this.k.evaluate();
            base.set(this.k.f64("eps").subarray(0, size));
            baseValid = true;
            spent++;
          }
          for (let k = 0; k < size; k++) x[k] = w[k] + d * u[k];
          this.k.evaluate();
          plus.set(this.k.f64("eps").subarray(0, size));
        } finally {
          this.k.set("resCutoff", resCutoff);
        }
        for (let k = 0; k < size; k++) out[k] += (plus[k] - base[k]) / d;
        return spent;
      },
      residual: () => this.fixedPointResidual(),
    };
  }

  /** max |G(w) - w| of the chemical-potential update at the kernels' current eps (sets mu). */
  private fixedPointResidual(): number {
    const size = this.k.n * MAX_STATES;
    if (this.k.updateWeights() < 0) {
      throw new InputError(`total charge ${this.k.get("nTotal")} electrons cannot be reached with the model's states`);
    }
    const w = this.k.f64("weights"), g = this.k.f64("weightsNew");
    let r = 0;
    for (let k = 0; k < size; k++) r = Math.max(r, Math.abs(g[k] - w[k]));
    return r;
  }

  /**
   * Groups of atoms connected by distances below BOND_RANGE (clusters only; a periodic structure is
   * one fragment). Each group lists owned atom indices.
   */
  private fragments(): number[][] {
    if (this.k.periodic()) return [Array.from({ length: this.k.n }, (_, i) => i)];
    return fragmentsWithin(this.k.n, this.k.f64("x"), this.k.f64("y"), this.k.f64("z"), BOND_RANGE);
  }

  /** Converges at kT levels halving from `annealFrom` down to the target, each from the last. */
  private anneal(opts: Required<EctSolverOptions>, target: number, budget: number): number {
    let total = 0;
    try {
      for (let t = opts.annealFrom; t > target; t *= 0.5) {
        this.k.set("kT", t);
        total += this.converge(opts, Math.max(1e-6, opts.tolerance), budget);
      }
    } finally {
      this.k.set("kT", target);
    }
    return total + this.converge(opts, opts.tolerance, budget);
  }

  /** Anderson-accelerated fixed point w = G(w) at the current kT; returns the iterations used. */
  private iterate(opts: Required<EctSolverOptions>, tolerance: number, maxIterations = opts.maxIterations): number {
    const { history } = opts;
    const size = this.k.n * MAX_STATES;
    let mixing = opts.mixing;
    let mixer = new AndersonMixer(size, history, mixing);
    let residual = Infinity;
    let best = Infinity;
    let sinceBest = 0;
    let it = 0;
    for (; it < maxIterations; it++) {
      this.spent++;
      this.k.evaluate();
      const miss = this.k.updateWeights();
      if (miss < 0) {
        throw new InputError(`total charge ${this.k.get("nTotal")} electrons cannot be reached with the model's states`);
      }
      const w = this.k.f64("weights").subarray(0, size);
      const g = this.k.f64("weightsNew").subarray(0, size);
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
      clampWeights(this.atoms(), w);
    }
    this.lastResidual = residual;
    if (!(residual <= tolerance)) {
      throw new CalculationFailed(
        `ECT weight solver did not converge in ${maxIterations} iterations at kT = ${this.k.get("kT")} eV (largest weight change ${residual.toExponential(2)}, tolerance ${tolerance})`,
      );
    }
    return it + 1;
  }

  /**
   * The warm start: weights (N rows of `MAX_STATES`) and the chemical potential mu (eV); with
   * resonance couplings followed along a trajectory, the previous solution's N rows after them.
   */
  exportState(): { weights: Float64Array; mu: number } {
    const w = this.k.f64("weights").slice(0, this.k.n * MAX_STATES);
    if (!this.previousWeights) return { weights: w, mu: this.k.get("mu") };
    // With resonance the next start also uses the solution before (extrapolation): N x 4 current,
    // then N x 4 previous weights.
    const both = new Float64Array(2 * w.length);
    both.set(w);
    both.set(this.previousWeights.subarray(0, w.length), w.length);
    return { weights: both, mu: this.k.get("mu") };
  }

  /** Makes `state` (from {@link exportState}, same atoms) the warm start of the next solve; throws InputError when it does not fit. */
  importState(state: { weights: ArrayLike<number>; mu: number }): void {
    const size = this.k.n * MAX_STATES;
    const n = state.weights.length;
    if (n !== size && n !== 2 * size) throw new InputError(`solver state has ${n} weights, expected ${size} (${this.k.n} atoms x ${MAX_STATES}), or twice that with the previous solution`);
    for (let k = 0; k < n; k++) {
      const w = state.weights[k];
      const atom = Math.floor((k % size) / MAX_STATES);
      if (!(w >= 0 && w <= 1)) throw new InputError(`solver state weight ${k} (atom ${atom}) is ${w}, expected a number in [0, 1]`, { atom });
    }
    if (!Number.isFinite(state.mu)) throw new InputError(`solver state mu must be a finite energy in eV, got ${state.mu}`);
    const all = Float64Array.from(state.weights);
    this.k.f64("weights").set(all.subarray(0, size), 0);
    this.previousWeights = n === 2 * size && this.hasResonance() ? all.slice(size) : null;
    this.k.set("mu", state.mu);
    this.cold = false;
    this.rememberPositions();
  }
}
