/**
 * The weighted least-squares objective of a fit: residuals of energy, forces and dipole for every
 * training frame, each divided by its tolerance sigma (so residuals are dimensionless), and their
 * Jacobian with respect to the internal parameters.
 *
 * The energy compared with the reference is the grand potential Omega = E - kT S: the quantity the
 * forces derive from (at kT -> 0 it is E; for the default kT = 0.02 eV they differ by at most
 * kT ln 3 per atom, and only where weights are mixed). Its Jacobian rows are analytic
 * (Hellmann-Feynman, `omegaGradient`); force and dipole rows depend on the weight response and are
 * taken by central differences in the internal parameters.
 */
import type { EctResults } from "../ect/calculator.js";
import { parseEctModel } from "../ect/model.js";
import { CalculationFailed, InputError } from "../errors.js";
import type { TrainingFrame } from "./dataset.js";
import type { ModelEvaluator } from "./evaluator.js";
import { omegaGradient } from "./gradient.js";
import { withValues, type FitParameter } from "./parameters.js";

/** Tolerances (one standard deviation of the misfit one accepts) and per-dataset weights. */
export interface FitWeights {
  /** eV per frame (default 0.02). */
  energy: number;
  /** eV/A per component (default 0.1; 0 or Infinity switches force terms off). */
  force: number;
  /** e*A per component (default 0.05). */
  dipole: number;
  /**
   * Growth of the energy and force tolerances with the frame's reference energy above the lowest
   * of its dataset (per eV, default 0): a frame dE above the minimum gets energy tolerance
   * energy * (1 + energySlope dE) and force tolerance force * (1 + energySlope dE), so that the
   * repulsive wall does not outweigh the well, as in Boltzmann-weighted fits.
   */
  energySlope?: number;
}

export const DEFAULT_WEIGHTS: FitWeights = { energy: 0.02, force: 0.1, dipole: 0.05, energySlope: 0 };

/** Which residual row belongs to what, for reports. */
export interface RowInfo {
  frame: number;
  kind: "energy" | "force" | "dipole";
}

/** The objective on a fixed dataset. */
export class FitObjective {
  readonly rows: RowInfo[] = [];
  /** Per-frame factor on the energy and force tolerances (1 + energySlope * height above the dataset's minimum). */
  readonly frameScale: Float64Array;
  /** Relative step of the central differences in internal variables. */
  fdStep = 1e-5;

  constructor(
    readonly modelJson: unknown,
    readonly params: readonly FitParameter[],
    readonly frames: readonly TrainingFrame[],
    readonly evaluator: ModelEvaluator,
    readonly weights: FitWeights = DEFAULT_WEIGHTS,
  ) {
    const lowest = new Map<string, number>();
    for (const f of frames) lowest.set(f.dataset, Math.min(lowest.get(f.dataset) ?? Infinity, f.energy));
    const slope = weights.energySlope ?? 0;
    if (!(slope >= 0)) throw new InputError(`energySlope is ${slope}, expected >= 0 (per eV)`);
    this.frameScale = Float64Array.from(frames, (f) => 1 + slope * (f.energy - lowest.get(f.dataset)!));
    frames.forEach((f, k) => {
      this.rows.push({ frame: k, kind: "energy" });
      if (f.forces && this.useForces) for (let c = 0; c < f.forces.length; c++) this.rows.push({ frame: k, kind: "force" });
      if (f.dipole) for (let c = 0; c < 3; c++) this.rows.push({ frame: k, kind: "dipole" });
    });
  }

  private get useForces(): boolean {
    return this.weights.force > 0 && Number.isFinite(this.weights.force);
  }

  /** The model file's JSON text at internal parameters x. */
  modelText(x: ArrayLike<number>): string {
    return JSON.stringify(withValues(this.modelJson, this.params, x));
  }

  /** Evaluates every frame at x. */
  async results(x: ArrayLike<number>): Promise<EctResults[]> {
    return this.evaluator.evaluate(this.modelText(x), this.frames.map((f) => f.atoms));
  }

  /** Residual vector from results (same row order as `rows`). */
  residuals(results: readonly EctResults[]): Float64Array {
    const r = new Float64Array(this.rows.length);
    let k = 0;
    const w = this.weights;
    this.frames.forEach((f, i) => {
      const res = results[i];
      const scale = this.frameScale[i];
      r[k++] = (res.grandPotential - f.energy) / (w.energy * scale);
      if (f.forces && this.useForces) for (let c = 0; c < f.forces.length; c++) r[k++] = (res.forces[c] - f.forces[c]) / (w.force * scale);
      if (f.dipole) for (let c = 0; c < 3; c++) r[k++] = (res.dipole[c] - f.dipole[c]) / w.dipole;
    });
    for (let m = 0; m < r.length; m++) {
      if (!Number.isFinite(r[m])) throw new CalculationFailed(`residual ${m} (${this.rows[m].kind} of frame ${this.rows[m].frame}) is not finite`);
    }
    return r;
  }

  /**
   * Residuals and Jacobian (rows x parameters, row-major) at x. Energy rows analytic; force and
   * dipole rows by central differences (2 evaluations per parameter, all frames at once).
   */
  async jacobian(x: Float64Array): Promise<{ residuals: Float64Array; jacobian: Float64Array; results: EctResults[] }> {
    const results = await this.results(x);
    const residuals = this.residuals(results);
    const m = this.rows.length;
    const n = this.params.length;
    const J = new Float64Array(m * n);
    const model = parseEctModel(withValues(this.modelJson, this.params, x), "fit");
    let row = 0;
    const rowOfEnergy: number[] = [];
    this.frames.forEach((f, i) => {
      rowOfEnergy.push(row);
      const g = omegaGradient(model, f.atoms, results[i], this.params, x);
      for (let k = 0; k < n; k++) J[row * n + k] = g[k] / (this.weights.energy * this.frameScale[i]);
      row += 1 + (f.forces && this.useForces ? f.forces.length : 0) + (f.dipole ? 3 : 0);
    });
    const needFd = this.rows.some((r) => r.kind !== "energy");
    if (needFd) {
      for (let k = 0; k < n; k++) {
        const h = this.fdStep * Math.max(1, Math.abs(x[k]));
        const xp = Float64Array.from(x), xm = Float64Array.from(x);
        xp[k] += h;
        xm[k] -= h;
        const [rp, rm] = await Promise.all([this.results(xp), this.results(xm)]);
        const resP = this.residuals(rp), resM = this.residuals(rm);
        for (let r = 0; r < m; r++) if (this.rows[r].kind !== "energy") J[r * n + k] = (resP[r] - resM[r]) / (2 * h);
      }
    }
    return { residuals, jacobian: J, results };
  }
}
