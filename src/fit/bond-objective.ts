/**
 * The least-squares objective of a bond-transfer model (docs/fitting.md): energies, forces and dipoles
 * of molecules, clusters and periodic cells, each residual divided by its tolerance.
 *
 * Jacobian: energy rows by the Hellmann-Feynman argument (E is stationary in the latent variables, so
 * dE/dp is the derivative at fixed variables: central differences in p with the variables of the
 * solved frame held, no solve), force and dipole rows by forward differences with a warm re-solve
 * from the solved variables. Frames are grouped by element set and each group is evaluated with the
 * model restricted to its elements (smaller tables, same physics).
 */
import { EventLoopBreather } from "../event-loop.js";
import type { Atoms } from "../atoms.js";
import { EctCalculator, ectResults, type EctResults } from "../ect/calculator.js";
import { parseEctModel } from "../ect/model.js";
import { buildEctTables } from "../ect/tables.js";
import { CalculationFailed } from "../errors.js";
import { withValues, type FitParameter } from "./parameters.js";

/** One reference frame with its tolerances. */
export interface FitFrame {
  /** Dataset name (for reports and grouping of tolerances). */
  dataset: string;
  index: number;
  atoms: Atoms;
  /** Total charge (e). */
  charge: number;
  /** Reference energy (eV, relative to the neutral isolated atoms) and its tolerance. */
  energy: number;
  sigmaEnergy: number;
  forces: Float64Array | null;
  sigmaForce: number;
  dipole: [number, number, number] | null;
  sigmaDipole: number;
}

export interface RowInfo {
  frame: number;
  kind: "energy" | "force" | "dipole";
}

type Json = Record<string, any>;

/** The model file restricted to `elements` (and the pairs among them). */
export function restrictModel(model: Json, elements: readonly string[]): Json {
  const keep = new Set(elements);
  const pairTable = (t: Json | undefined) => (t ? Object.fromEntries(Object.entries(t).filter(([k]) => k.split("-").every((e) => keep.has(e)))) : undefined);
  return {
    ...model,
    // (an element's pair-specific density factors name other elements: only the kept ones stay)
    elements: Object.fromEntries(
      Object.entries(model.elements as Json)
        .filter(([k]) => keep.has(k))
        .map(([k, el]) => [k, el.densityScale ? { ...el, densityScale: Object.fromEntries(Object.entries(el.densityScale as Json).filter(([b]) => keep.has(b))) } : el]),
    ),
    pairs: pairTable(model.pairs),
    resonance: pairTable(model.resonance),
  };
}

/** What one solved frame gives the objective. */
interface Solved {
  results: EctResults;
  /** The latent variables (EctEngine.solverState) for warm starts and fixed-variable energies. */
  state: Float64Array;
}

export class BondFitObjective {
  readonly rows: RowInfo[] = [];
  /** Relative step in internal variables for the parameter differences. */
  fdStep = 1e-4;
  private readonly groups: Map<string, number[]> = new Map();
  private solved: Solved[] = [];
  /** Frame evaluations, for progress reports. */
  evaluations = 0;

  constructor(
    readonly modelJson: Json,
    readonly params: readonly FitParameter[],
    readonly frames: readonly FitFrame[],
  ) {
    frames.forEach((f, k) => {
      const key = [...new Set(f.atoms.symbols)].sort().join(",");
      if (!this.groups.has(key)) this.groups.set(key, []);
      this.groups.get(key)!.push(k);
      this.rows.push({ frame: k, kind: "energy" });
      if (f.forces) for (let c = 0; c < f.forces.length; c++) this.rows.push({ frame: k, kind: "force" });
      if (f.dipole) for (let c = 0; c < 3; c++) this.rows.push({ frame: k, kind: "dipole" });
    });
  }

  /** The model JSON at internal parameters x. */
  model(x: ArrayLike<number>): Json {
    return withValues(this.modelJson, this.params, x);
  }

  private async calculators(model: Json): Promise<Map<string, EctCalculator>> {
    const out = new Map<string, EctCalculator>();
    for (const key of this.groups.keys()) {
      const sub = parseEctModel(restrictModel(model, key.split(",")), "fit");
      out.set(key, await EctCalculator.create(buildEctTables(sub), { source: "fit" }));
    }
    return out;
  }

  /** Gives the event loop a turn between frames (a fit runs for minutes; Ctrl-C must stop it). */
  private readonly breather = new EventLoopBreather();

  /** Solves every frame at x from a cold start (the objective depends on x alone). */
  async evaluate(x: ArrayLike<number>): Promise<EctResults[]> {
    const calcs = await this.calculators(this.model(x));
    const out: Solved[] = new Array(this.frames.length);
    for (const [key, idx] of this.groups) {
      const calc = calcs.get(key)!;
      for (const k of idx) {
        await this.breather.breathe();
        const f = this.frames[k];
        calc.engine.setAtoms(f.atoms, `${f.dataset}[${f.index}]`, { totalCharge: f.charge });
        calc.engine.compute();
        this.evaluations++;
        out[k] = { results: resultsOf(calc), state: calc.engine.solverState().weights };
      }
    }
    this.solved = out;
    return out.map((s) => s.results);
  }

  /** Residual vector (rows order) from results. */
  residuals(results: readonly EctResults[]): Float64Array {
    const r = new Float64Array(this.rows.length);
    let m = 0;
    this.frames.forEach((f, k) => {
      const res = results[k];
      r[m++] = (res.grandPotential - f.energy) / f.sigmaEnergy;
      if (f.forces) for (let c = 0; c < f.forces.length; c++) r[m++] = (res.forces[c] - f.forces[c]) / f.sigmaForce;
      if (f.dipole) for (let c = 0; c < 3; c++) r[m++] = (res.dipole[c] - f.dipole[c]) / f.sigmaDipole;
    });
    for (let k = 0; k < r.length; k++) {
      if (!Number.isFinite(r[k])) throw new CalculationFailed(`residual ${k} (${this.rows[k].kind} of frame ${this.rows[k].frame}) is not finite`);
    }
    return r;
  }

  /** Residuals at x (cold solves). */
  async residualsAt(x: Float64Array): Promise<Float64Array> {
    return this.residuals(await this.evaluate(x));
  }

  /** Residuals and Jacobian (rows x parameters, row-major) at x. */
  async jacobianAt(x: Float64Array): Promise<{ residuals: Float64Array; jacobian: Float64Array; results: EctResults[] }> {
    const results = await this.evaluate(x);
    const residuals = this.residuals(results);
    const base = this.solved;
    const nRows = this.rows.length, n = this.params.length;
    const J = new Float64Array(nRows * n);
    const firstRow: number[] = [];
    let row = 0;
    this.frames.forEach((f) => {
      firstRow.push(row);
      row += 1 + (f.forces ? f.forces.length : 0) + (f.dipole ? 3 : 0);
    });
    for (let p = 0; p < n; p++) {
      const h = this.fdStep * Math.max(1, Math.abs(x[p]));
      const xp = Float64Array.from(x), xm = Float64Array.from(x);
      xp[p] += h;
      xm[p] -= h;
      const [cp, cm] = await Promise.all([this.calculators(this.model(xp)), this.calculators(this.model(xm))]);
      for (const [key, idx] of this.groups) {
        const plus = cp.get(key)!, minus = cm.get(key)!;
        for (const k of idx) {
          await this.breather.breathe();
          const f = this.frames[k];
          const energyAt = (calc: EctCalculator) => {
            calc.engine.setAtoms(f.atoms, "fit", { totalCharge: f.charge });
            calc.engine.setSolverState({ weights: base[k].state, mu: 0 });
            return calc.engine.energyAtSolverState();
          };
          const r0 = firstRow[k];
          J[r0 * n + p] = (energyAt(plus) - energyAt(minus)) / (2 * h * f.sigmaEnergy);
          if (!f.forces && !f.dipole) continue;
          // Forces and dipoles follow the variables' response: re-solve warm at p + h.
          plus.engine.setAtoms(f.atoms, "fit", { totalCharge: f.charge });
          plus.engine.setSolverState({ weights: base[k].state, mu: 0 });
          plus.engine.compute();
          this.evaluations++;
          const rp = resultsOf(plus);
          let m = r0 + 1;
          if (f.forces) for (let c = 0; c < f.forces.length; c++) J[m++ * n + p] = (rp.forces[c] - base[k].results.forces[c]) / (h * f.sigmaForce);
          if (f.dipole) for (let c = 0; c < 3; c++) J[m++ * n + p] = (rp.dipole[c] - base[k].results.dipole[c]) / (h * f.sigmaDipole);
        }
      }
    }
    return { residuals, jacobian: J, results };
  }
}

function resultsOf(calc: EctCalculator): EctResults {
  return ectResults(calc.engine, calc.engine.virial(), null);
}
