/**
 * Staged fits: a list of stages, each fitting some parameters to some of the datasets, every stage
 * starting from the model the previous one produced. Each diatomic's own pair and resonance terms
 * affect only that molecule, while embedding functions are shared, so fitting molecule by molecule
 * and then polishing jointly reaches minima that one joint fit from a rough start does not.
 */
import { InputError } from "../errors.js";
import type { TrainingSet } from "./dataset.js";
import type { ModelEvaluator } from "./evaluator.js";
import { fitModel, type FitOptions, type FitResult } from "./fit.js";
import { parseParameterPaths } from "./parameters.js";

/** One stage of a staged fit (the stages file is a JSON array of these). */
export interface FitStage {
  /** Label for logs and the report. */
  name: string;
  /** Names of the datasets (file names without folder and extension) this stage fits to. */
  data: string[];
  /** Parameter paths freed in this stage ("pairs.Li-H.A", "elements.H.states[0].embedding.points[2][1]"). */
  params: string[];
  /** LM iterations of this stage (default: the run's maxIterations). */
  maxIterations?: number;
}

/** What one stage did, for reports. */
export interface StageSummary {
  name: string;
  data: string[];
  parameters: number;
  cost: number;
  iterations: number;
  reason: string;
}

/**
 * Parses and checks a stages file against the datasets and model.
 * @throws InputError naming the stage and field of any problem
 */
export function parseStages(text: string, source: string, modelJson: unknown, datasets: readonly string[]): FitStage[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file: source });
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new InputError("expected a non-empty JSON array of stages", { file: source });
  return raw.map((s, k): FitStage => {
    const where = `stage ${k + 1}`;
    if (s === null || typeof s !== "object") throw new InputError(`${where}: expected an object`, { file: source });
    const o = s as Record<string, unknown>;
    const strings = (v: unknown, field: string) => {
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string")) throw new InputError(`${where}: '${field}' must be a non-empty array of strings`, { file: source });
      return v as string[];
    };
    const data = strings(o.data, "data");
    for (const d of data) if (!datasets.includes(d)) throw new InputError(`${where}: dataset '${d}' is not among --data (${datasets.join(", ")})`, { file: source });
    const params = strings(o.params, "params");
    parseParameterPaths(modelJson, params); // throws for a field the model does not have
    const it = o.maxIterations;
    if (it !== undefined && !(Number.isInteger(it) && (it as number) >= 1)) throw new InputError(`${where}: 'maxIterations' must be an integer >= 1`, { file: source });
    return { name: typeof o.name === "string" ? o.name : where, data, params, maxIterations: it as number | undefined };
  });
}

/**
 * Runs the stages in order; returns the last stage's result (its model is the fitted model) and a
 * summary of every stage.
 */
export async function fitStaged(
  modelJson: unknown,
  stages: readonly FitStage[],
  sets: readonly TrainingSet[],
  evaluator: ModelEvaluator,
  opts: FitOptions & { onStage?: (stage: FitStage, index: number) => void } = {},
): Promise<{ result: FitResult; stages: StageSummary[] }> {
  let json = modelJson;
  let result: FitResult | null = null;
  const summaries: StageSummary[] = [];
  for (let k = 0; k < stages.length; k++) {
    const stage = stages[k];
    opts.onStage?.(stage, k);
    const params = parseParameterPaths(json, stage.params);
    const data = sets.filter((s) => stage.data.includes(s.name));
    result = await fitModel(json, params, data, evaluator, { ...opts, maxIterations: stage.maxIterations ?? opts.maxIterations });
    summaries.push({ name: stage.name, data: stage.data, parameters: params.length, cost: result.cost, iterations: result.iterations, reason: result.reason });
    json = result.model;
  }
  return { result: result!, stages: summaries };
}
