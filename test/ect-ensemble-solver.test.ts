// The ensemble weight solver (src/ect/ensemble-solver.ts) without wasm: it runs on a TypeScript
// stand-in for the kernels (an EctKernelPort) whose mean field is QEq-like,
//   E(w) = sum_iM w_iM E_M + 1/2 sum_i J_i q_i^2 + sum_i<j K_ij q_i q_j,   q_i = sum_M w_iM Q_M,
// convex in the charges (J_A J_B > K^2), so Omega = E - kT S has one minimum. For a dimer that
// minimum follows from two scalar equations (the charge and mu), solved here by nested bisection
// independently of the solver's Anderson and Newton iterations.
import { describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { EnsembleSolver, SOLVER_DEFAULTS, type EctSolverOptions, type EnsembleTables } from "../src/ect/ensemble-solver.js";
import type { EctKernelPort } from "../src/ect/kernel-port.js";
import { MAX_STATES } from "../src/ect/model-types.js";

const KT = 0.1;
const COULOMB = 14.4; // eV A / e^2
const CUTOFF = 6; // A: K_ij = COULOMB / r within it, 0 beyond

// Two elements with cation, neutral and anion (state energies IP and -EA, eV, made up so that A
// gives B a fraction of an electron: the transfer gains 3 eV per electron at first, and the
// charges' net curvature J_A + J_B - 2K costs it back near 0.4 e).
const TABLES: EnsembleTables = {
  kT: KT,
  states: [
    [{ name: "A+", electrons: 2, charge: 1, energy: 2.0 }, { name: "A", electrons: 3, charge: 0, energy: 0 }, { name: "A-", electrons: 4, charge: -1, energy: -0.6 }],
    [{ name: "B+", electrons: 8, charge: 1, energy: 17.4 }, { name: "B", electrons: 9, charge: 0, energy: 0 }, { name: "B-", electrons: 10, charge: -1, energy: -5.0 }],
  ],
};
/** Hardness J per element (eV/e^2). */
const HARDNESS = [8, 14];

/** The mean field above on atoms of `types` at `positions` (A): the kernel port the solver drives. */
class MeanField implements EctKernelPort {
  readonly n: number;
  evaluations = 0;
  private readonly buf: Record<string, Float64Array>;
  private readonly type: Int32Array;
  private readonly ctx = new Map<string, number>([["mu", 0], ["nTotal", 0], ["epsForces", 0], ["kT", KT], ["resCutoff", 0]]);
  private e = 0;

  constructor(types: number[], positions: [number, number, number][]) {
    this.n = types.length;
    this.type = Int32Array.from(types);
    const slots = () => new Float64Array(this.n * MAX_STATES);
    const axis = (d: number) => Float64Array.from(positions, (p) => p[d]);
    this.buf = { weights: slots(), weightsNew: slots(), eps: slots(), x: axis(0), y: axis(1), z: axis(2) };
  }

  f64(name: string): Float64Array {
    const b = this.buf[name];
    if (!b) throw new Error(`the mean field has no buffer ${name}`);
    return b;
  }
  i32(name: string): Int32Array {
    if (name !== "type") throw new Error(`the mean field has no buffer ${name}`);
    return this.type;
  }
  get(field: string): number {
    const v = this.ctx.get(field);
    if (v === undefined) throw new Error(`the mean field has no context field ${field}`);
    return v;
  }
  set(field: string, value: number): void {
    this.get(field);
    this.ctx.set(field, value);
  }

  /** K_ij (eV/e^2). */
  coupling(i: number, j: number): number {
    const { x, y, z } = this.buf;
    const r = Math.hypot(x[i] - x[j], y[i] - y[j], z[i] - z[j]);
    return r < CUTOFF ? COULOMB / r : 0;
  }

  charges(): Float64Array {
    const w = this.buf.weights;
    return Float64Array.from({ length: this.n }, (_, i) => TABLES.states[this.type[i]].reduce((q, s, m) => q + w[i * MAX_STATES + m] * s.charge, 0));
  }

  evaluate(): void {
    this.evaluations++;
    const w = this.buf.weights, eps = this.buf.eps.fill(0);
    const q = this.charges();
    this.e = 0;
    for (let i = 0; i < this.n; i++) {
      let phi = HARDNESS[this.type[i]] * q[i];
      for (let j = 0; j < this.n; j++) if (j !== i) phi += this.coupling(i, j) * q[j];
      // 1/2 J q^2 per atom plus half of each pair term: 1/2 q_i phi_i
      this.e += 0.5 * q[i] * phi;
      TABLES.states[this.type[i]].forEach((s, m) => {
        eps[i * MAX_STATES + m] = s.energy + s.charge * phi;
        this.e += w[i * MAX_STATES + m] * s.energy;
      });
    }
  }

  /** Boltzmann weights at mu into weightsNew; returns their electron count. */
  private weightsAt(mu: number): number {
    const eps = this.buf.eps, wn = this.buf.weightsNew.fill(0), kT = this.get("kT");
    let electrons = 0;
    for (let i = 0; i < this.n; i++) {
      const st = TABLES.states[this.type[i]];
      const a = st.map((s, m) => -(eps[i * MAX_STATES + m] - mu * s.electrons) / kT);
      const top = Math.max(...a);
      const z = a.reduce((sum, v) => sum + Math.exp(v - top), 0);
      st.forEach((s, m) => {
        wn[i * MAX_STATES + m] = Math.exp(a[m] - top) / z;
        electrons += wn[i * MAX_STATES + m] * s.electrons;
      });
    }
    return electrons;
  }

  /** mu by bisection to double resolution (the kernels use safeguarded Newton; the answer is the same). */
  updateWeights(): number {
    const target = this.get("nTotal");
    let lo = -1e3, hi = 1e3;
    if (!(this.weightsAt(lo) < target && this.weightsAt(hi) > target)) return -1;
    for (let mid = 0.5 * (lo + hi); mid > lo && mid < hi; mid = 0.5 * (lo + hi)) {
      if (this.weightsAt(mid) < target) lo = mid;
      else hi = mid;
    }
    this.set("mu", hi);
    return Math.abs(this.weightsAt(hi) - target);
  }

  resonanceHessVec(): void {
    throw new Error("the mean field has no resonance couplings");
  }
  energy(): number {
    return this.e;
  }
  grandPotential(): number {
    const w = this.buf.weights;
    let entropy = 0;
    for (const v of w) if (v > 0) entropy -= v * Math.log(v);
    return this.e - KT * entropy;
  }
  periodic(): boolean {
    return false;
  }
  invalidateForces(): void {}
}

/** Root of the decreasing function `f` between `lo` and `hi` by bisection to double resolution. */
function bisect(f: (x: number) => number, lo: number, hi: number): number {
  if (!(f(lo) > 0 && f(hi) < 0)) throw new Error("internal: no sign change");
  for (let mid = 0.5 * (lo + hi); mid > lo && mid < hi; mid = 0.5 * (lo + hi)) {
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Boltzmann weights of element `t` at potential x = phi + mu: w_M ~ exp(-(E_M + Q_M x)/kT). */
function boltzmann(t: number, x: number): number[] {
  const a = TABLES.states[t].map((s) => -(s.energy + s.charge * x) / KT);
  const top = Math.max(...a);
  const e = a.map((v) => Math.exp(v - top));
  const z = e.reduce((p, v) => p + v, 0);
  return e.map((v) => v / z);
}

/** Mean charge of element `t` at potential x. */
function meanCharge(t: number, x: number): number {
  return boltzmann(t, x).reduce((q, w, m) => q + w * TABLES.states[t][m].charge, 0);
}

/**
 * The minimum of the dimer A-B at coupling K with total charge `total`: q_A = g_A(phi_A + mu) and
 * q_B = total - q_A = g_B(phi_B + mu), one bisection for q_A around one for the potential.
 */
function dimerMinimum(k: number, total: number): { mu: number; weights: number[][] } {
  const [ja, jb] = HARDNESS;
  const solve = (qa: number) => {
    const qb = total - qa;
    const xa = bisect((x) => meanCharge(0, x) - qa, -1e3, 1e3);
    const mu = xa - (ja * qa + k * qb);
    return { qb, mu, xa, xb: jb * qb + k * qa + mu };
  };
  const margin = 1e-9;
  const qa = bisect((q) => {
    const s = solve(q);
    return s.qb - meanCharge(1, s.xb);
  }, Math.max(-1, total - 1) + margin, Math.min(1, total + 1) - margin);
  const { mu, xa, xb } = solve(qa);
  return { mu, weights: [boltzmann(0, xa), boltzmann(1, xb)] };
}

/** Weights of atom i as a plain array of its states. */
function atomWeights(port: MeanField, i: number, t: number): number[] {
  return Array.from(port.f64("weights").subarray(i * MAX_STATES, i * MAX_STATES + TABLES.states[t].length));
}

function settings(over: EctSolverOptions = {}): Required<EctSolverOptions> {
  return { ...SOLVER_DEFAULTS, ...over };
}

const R = 2.0;

describe("ensemble weight solver on a TypeScript mean field", () => {
  for (const total of [0, 0.5]) {
    it(`finds the dimer's known minimum from a cold start (total charge ${total} e) and reports it`, () => {
      const port = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
      const solver = new EnsembleSolver(port, TABLES);
      solver.reset(total);
      const tolerance = 1e-12;
      const report = solver.solve(settings({ tolerance }));
      const known = dimerMinimum(COULOMB / R, total);
      for (const [i, t] of [[0, 0], [1, 1]]) {
        atomWeights(port, i, t).forEach((w, m) => expect(w).toBeCloseTo(known.weights[t][m], 9));
      }
      const q = port.charges();
      expect(q[0] + q[1]).toBeCloseTo(total, 10);
      expect(q[0]).toBeGreaterThan(0.3); // A gives charge to B
      // Report: mu of the kept weights (also in the context), their fixed-point residual, evaluations spent.
      expect(report.mu).toBeCloseTo(known.mu, 8);
      expect(report.mu).toBe(port.get("mu"));
      expect(report.residual).toBeLessThanOrEqual(tolerance);
      expect(report.iterations).toBeGreaterThan(1);
      expect(report.iterations).toBeLessThanOrEqual(port.evaluations);
      // The kernels are left evaluated at the kept weights, with pair forces.
      expect(port.get("epsForces")).toBe(1);
      expect(port.get("kT")).toBe(KT);

      // Warm: the converged weights are the start, one evaluation confirms them.
      const again = solver.solve(settings({ tolerance }));
      expect(again.iterations).toBe(1);
      expect(again.mu).toBeCloseTo(report.mu, 12);
    });
  }

  it("follows a move warm and reaches the new minimum", () => {
    const port = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
    const solver = new EnsembleSolver(port, TABLES);
    solver.reset(0);
    solver.solve(settings());
    port.f64("x")[1] = 2.3;
    const report = solver.solve(settings());
    const known = dimerMinimum(COULOMB / 2.3, 0);
    atomWeights(port, 1, 1).forEach((w, m) => expect(w).toBeCloseTo(known.weights[1][m], 9));
    expect(report.mu).toBeCloseTo(known.mu, 8);
    expect(report.iterations).toBeGreaterThan(1);
  });

  it("takes its settings from each solve: a looser tolerance stops earlier; one fixed-point iteration falls back to Newton", () => {
    const spent = (opts: EctSolverOptions) => {
      const port = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
      const solver = new EnsembleSolver(port, TABLES);
      solver.reset(0);
      const report = solver.solve(settings(opts));
      return { report, port };
    };
    const tight = spent({ tolerance: 1e-12 }), loose = spent({ tolerance: 1e-4 });
    expect(loose.report.residual).toBeLessThanOrEqual(1e-4);
    expect(loose.report.iterations).toBeLessThan(tight.report.iterations);
    // Anderson gets one iteration per start, so every start goes on with trust-region Newton.
    const newton = spent({ tolerance: 1e-12, maxIterations: 1 });
    const known = dimerMinimum(COULOMB / R, 0);
    atomWeights(newton.port, 0, 0).forEach((w, m) => expect(w).toBeCloseTo(known.weights[0][m], 9));
    expect(newton.report.residual).toBeLessThanOrEqual(1e-12);
  });

  it("solves separated fragments each to the dimer's minimum (size consistency)", () => {
    // Two antiparallel dimers 20 A apart: beyond the mean field's cutoff, and further than the
    // solver's fragment range, so the fragment-by-fragment search runs.
    const port = new MeanField([0, 1, 1, 0], [[0, 0, 0], [R, 0, 0], [0, 20, 0], [R, 20, 0]]);
    const solver = new EnsembleSolver(port, TABLES);
    solver.reset(0);
    const report = solver.solve(settings());
    const known = dimerMinimum(COULOMB / R, 0);
    [0, 1, 1, 0].forEach((t, i) => atomWeights(port, i, t).forEach((w, m) => expect(w).toBeCloseTo(known.weights[t][m], 9)));
    expect(report.mu).toBeCloseTo(known.mu, 8);
  });

  it("carries its warm start over to another solver (exportState / importState)", () => {
    const port = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
    const solver = new EnsembleSolver(port, TABLES);
    solver.reset(0);
    const first = solver.solve(settings());
    const state = solver.exportState();
    expect(state.weights.length).toBe(2 * MAX_STATES);

    const other = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
    const resumed = new EnsembleSolver(other, TABLES);
    resumed.reset(0);
    resumed.importState(state);
    const report = resumed.solve(settings());
    expect(report.iterations).toBe(1);
    expect(report.mu).toBeCloseTo(first.mu, 12);
    expect(Array.from(other.f64("weights"))).toEqual(Array.from(state.weights));
    expect(() => resumed.importState({ weights: new Float64Array(3), mu: 0 })).toThrow(InputError);
  });

  it("refuses settings that cannot drive a solve, before touching the weights", () => {
    const port = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
    const solver = new EnsembleSolver(port, TABLES);
    solver.reset(0);
    for (const bad of [{ tolerance: 0 }, { tolerance: NaN }, { maxIterations: 0.5 }, { mixing: 0 }, { history: 0 }, { annealFrom: Infinity }]) {
      expect(() => solver.solve(settings(bad))).toThrow(new RegExp(`${Object.keys(bad)[0]} must be`));
    }
    expect(port.evaluations).toBe(0);
  });

  it("refuses a total charge the states cannot hold", () => {
    const port = new MeanField([0, 1], [[0, 0, 0], [R, 0, 0]]);
    const solver = new EnsembleSolver(port, TABLES);
    solver.reset(2.5);
    expect(() => solver.solve(settings())).toThrow(/total charge .* cannot be reached/);
    expect(() => solver.solve(settings())).toThrow(InputError);
  });
});
