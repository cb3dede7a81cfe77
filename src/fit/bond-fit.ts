/**
 * Fitting a bond-transfer ECT-EAM model to molecules, clusters and crystals at once (docs/fitting.md):
 * a fit plan names the start model, the data files with their tolerances and the free parameters;
 * Levenberg-Marquardt (src/fit/lm.ts) minimizes the weighted residuals of `BondFitObjective`.
 */
import { InputError } from "../errors.js";
import { parseTrainingSet } from "./dataset.js";
import { type FitFrame, BondFitObjective } from "./bond-objective.js";
import { inverseSpd, levenbergMarquardt, normalEquations } from "./lm.js";
import { internalValues, parseParameterPaths, physical, withValues } from "./parameters.js";

/** One data file of a fit plan and the tolerances of its rows. */
export interface PlanData {
  /** Extended XYZ file (relative to the plan's folder). */
  file: string;
  /** eV per frame; frames more than `maxEnergy` eV above the file's lowest are left out. */
  energy: number;
  /** eV/A per component; omit to leave forces out. */
  force?: number;
  /** e*A per component; omit to leave dipoles out. */
  dipole?: number;
  maxEnergy?: number;
  /** Growth of the energy and force tolerances per eV above the file's lowest frame (default 0). */
  energySlope?: number;
}

/** One stage of a fit: a subset of the data files and of the parameters. */
export interface PlanStage {
  name: string;
  /** Data files of this stage (as listed in `data`). */
  data: string[];
  /** Free parameters: dotted paths into the model file ("pairs.Na-Cl.A", "resonance.Li-F.h0"). */
  params: string[];
  /** Levenberg-Marquardt iterations (default 30). */
  maxIterations?: number;
}

/** A fit plan (JSON): stages run in order, each from the model the previous one left. */
export interface FitPlan {
  /** Start model file (relative to the plan's folder). */
  model: string;
  data: PlanData[];
  stages: PlanStage[];
}

export interface BondFitResult {
  model: Record<string, unknown>;
  parameters: { label: string; unit: string; start: number; value: number; uncertainty: number }[];
  cost: number;
  startCost: number;
  rows: number;
  iterations: number;
  reason: string;
  evaluations: number;
}

/**
 * Checks every stage of `plan` against the start model before anything runs: each data file is
 * listed in the plan's data, each parameter path exists in the model (a stage five hours in should
 * not be the first to say so). Throws an InputError naming the stage and the field.
 */
export function checkFitPlan(plan: FitPlan, modelJson: Record<string, unknown>): void {
  for (const st of plan.stages) {
    for (const f of st.data) {
      if (!plan.data.some((x) => x.file === f)) throw new InputError(`fit plan stage '${st.name}': data file '${f}' is not listed in data`);
    }
    try {
      parseParameterPaths(modelJson, st.params);
    } catch (e) {
      throw new InputError(`fit plan stage '${st.name}': ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Reads the frames of a plan (`read(file)` returns a data file's text). */
export function planFrames(data: readonly PlanData[], elements: readonly string[], read: (file: string) => string): FitFrame[] {
  const out: FitFrame[] = [];
  for (const d of data) {
    const set = parseTrainingSet(read(d.file), d.file, elements);
    const lowest = Math.min(...set.frames.map((f) => f.energy));
    for (const f of set.frames) {
      const above = f.energy - lowest;
      if (d.maxEnergy !== undefined && above > d.maxEnergy) continue;
      const scale = 1 + (d.energySlope ?? 0) * above;
      const charge = typeof f.atoms.info.charge === "number" ? (f.atoms.info.charge as number) : 0;
      out.push({
        dataset: set.name,
        index: f.index,
        atoms: f.atoms,
        charge,
        energy: f.energy,
        sigmaEnergy: d.energy * scale,
        forces: d.force !== undefined ? f.forces : null,
        sigmaForce: (d.force ?? 1) * scale,
        dipole: d.dipole !== undefined && !f.atoms.pbc.some((p) => p) ? f.dipole : null,
        sigmaDipole: d.dipole ?? 1,
      });
    }
  }
  if (out.length === 0) throw new InputError("the fit plan selects no frames");
  return out;
}

/**
 * Runs the stages of a plan in order. `read(file)` returns a data file's text; `onStage` and
 * `onIteration` report progress.
 */
export async function runFitPlan(
  plan: FitPlan,
  modelJson: Record<string, unknown>,
  read: (file: string) => string,
  report: { onStage?: (name: string, frames: number, params: number) => void; onIteration?: (info: { iteration: number; cost: number; lambda: number }) => void; onStageDone?: (name: string, r: BondFitResult) => void } = {},
): Promise<{ model: Record<string, unknown>; stages: { name: string; result: BondFitResult }[] }> {
  checkFitPlan(plan, modelJson);
  let model = modelJson;
  const stages: { name: string; result: BondFitResult }[] = [];
  const elements = Object.keys(modelJson.elements as Record<string, unknown>);
  for (const st of plan.stages) {
    const data = st.data.map((f) => plan.data.find((x) => x.file === f)!);
    const frames = planFrames(data, elements, read);
    report.onStage?.(st.name, frames.length, st.params.length);
    const result = await fitBondModel(model, st, frames, report.onIteration);
    report.onStageDone?.(st.name, result);
    stages.push({ name: st.name, result });
    model = result.model;
  }
  return { model, stages };
}

/**
 * Fits the stage's free parameters of `modelJson` to `frames`.
 * @param onIteration progress (LM iteration, cost)
 */
export async function fitBondModel(
  modelJson: Record<string, unknown>,
  stage: { params: string[]; maxIterations?: number },
  frames: FitFrame[],
  onIteration?: (info: { iteration: number; cost: number; lambda: number }) => void,
): Promise<BondFitResult> {
  const plan = stage;
  const params = parseParameterPaths(modelJson, plan.params);
  if (params.length === 0) throw new InputError("the fit plan frees no parameters");
  const objective = new BondFitObjective(modelJson, params, frames);
  const x0 = internalValues(modelJson, params);
  const start = await objective.residualsAt(x0);
  const run = await levenbergMarquardt(
    (x) => objective.jacobianAt(x),
    (x) => objective.residualsAt(x),
    x0,
    { maxIterations: plan.maxIterations ?? 30, onIteration, maxStep: 1.0, costTolerance: 1e-5 },
  );
  const m = run.residuals.length, n = params.length;
  const { jtj } = normalEquations(run.jacobian, run.residuals, n);
  const cov = inverseSpd(jtj, n);
  const s2 = m > n ? (2 * run.cost) / (m - n) : NaN;
  const parameters = params.map((p, k) => {
    const value = physical(p, run.x[k]);
    const sx = Math.sqrt(Math.max(0, cov[k * n + k]) * s2);
    return { label: p.label, unit: p.unit, start: physical(p, x0[k]), value, uncertainty: p.transform === "log" ? value * sx : sx };
  });
  let startCost = 0;
  for (const r of start) startCost += 0.5 * r * r;
  return {
    model: withValues(modelJson, params, run.x),
    parameters,
    cost: run.cost,
    startCost,
    rows: m,
    iterations: run.iterations,
    reason: run.reason,
    evaluations: objective.evaluations,
  };
}
