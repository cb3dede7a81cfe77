/**
 * Fitting an ECT-EAM model to reference data: weighted least squares on energies, forces and
 * dipoles by Levenberg-Marquardt (analytic Hellmann-Feynman rows for energies, see objective.ts),
 * from the starting parameters and from `starts - 1` seeded random perturbations of them; the
 * lowest cost wins. Same data, options and seed give the same fitted model.
 */
import { Random } from "../dynamics/random.js";
import { InputError } from "../errors.js";
import type { TrainingSet } from "./dataset.js";
import type { ModelEvaluator } from "./evaluator.js";
import { inverseSpd, levenbergMarquardt, normalEquations } from "./lm.js";
import { DEFAULT_WEIGHTS, FitObjective, type FitWeights } from "./objective.js";
import { internalValues, physical, withValues, type FitParameter } from "./parameters.js";

export interface FitOptions {
  weights?: Partial<FitWeights>;
  /** Number of starts (default 1: only the given parameters). */
  starts?: number;
  /** Seed of the perturbed starts (default 1). */
  seed?: number;
  /** Standard deviation of the start perturbations in internal variables (default 0.2). */
  spread?: number;
  /** LM iterations per start (default 40). */
  maxIterations?: number;
  /** Progress: start index, LM iteration, cost. */
  onProgress?: (info: { start: number; starts: number; iteration: number; cost: number }) => void;
}

/** One fitted parameter with its 1-sigma uncertainty from the Jacobian at the optimum. */
export interface FittedParameter {
  label: string;
  unit: string;
  start: number;
  value: number;
  /** Standard error (physical units), from s^2 (J^T J)^-1 with s^2 = |r|^2 / (m - n); NaN when m <= n. */
  uncertainty: number;
}

export interface FitResult {
  /** The fitted model file (JSON object). */
  model: Record<string, unknown>;
  parameters: FittedParameter[];
  /** 1/2 sum of squared weighted residuals. */
  cost: number;
  residualCount: number;
  /** Start that won and the LM stop reason. */
  bestStart: number;
  reason: string;
  iterations: number;
}

/**
 * Fits `params` of `modelJson` to the training sets.
 * @throws InputError when there are no frames or no parameters
 */
export async function fitModel(
  modelJson: unknown,
  params: readonly FitParameter[],
  sets: readonly TrainingSet[],
  evaluator: ModelEvaluator,
  opts: FitOptions = {},
): Promise<FitResult> {
  const frames = sets.flatMap((s) => s.frames);
  if (frames.length === 0) throw new InputError("no training frames");
  if (params.length === 0) throw new InputError("no free parameters");
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const objective = new FitObjective(modelJson, params, frames, evaluator, weights);
  const x0 = internalValues(modelJson, params);
  const starts = opts.starts ?? 1;
  const rng = new Random(opts.seed ?? 1);
  const spread = opts.spread ?? 0.2;
  let best: (Awaited<ReturnType<typeof levenbergMarquardt>> & { start: number }) | null = null;
  for (let s = 0; s < starts; s++) {
    const xs = Float64Array.from(x0, (v) => (s === 0 ? v : v + spread * rng.normal()));
    let run;
    try {
      run = await levenbergMarquardt(
        (x) => objective.jacobian(x),
        async (x) => objective.residuals(await objective.results(x)),
        xs,
        {
          maxIterations: opts.maxIterations ?? 40,
          onIteration: ({ iteration, cost }) => opts.onProgress?.({ start: s, starts, iteration, cost }),
        },
      );
    } catch (err) {
      if (s === 0) throw err;
      continue; // a perturbed start the model cannot evaluate is skipped
    }
    if (!best || run.cost < best.cost) best = { ...run, start: s };
  }
  const b = best!;
  const m = b.residuals.length;
  const n = params.length;
  const { jtj } = normalEquations(b.jacobian, b.residuals, n);
  const cov = inverseSpd(jtj, n);
  const s2 = m > n ? (2 * b.cost) / (m - n) : NaN;
  const parameters = params.map((p, k): FittedParameter => {
    const value = physical(p, b.x[k]);
    const sx = Math.sqrt(Math.max(0, cov[k * n + k]) * s2);
    return { label: p.label, unit: p.unit, start: physical(p, x0[k]), value, uncertainty: p.transform === "log" ? value * sx : sx };
  });
  return {
    model: withValues(modelJson, params, b.x),
    parameters,
    cost: b.cost,
    residualCount: m,
    bestStart: b.start,
    reason: b.reason,
    iterations: b.iterations,
  };
}
