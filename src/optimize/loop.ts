import { CalculationFailed, InputError } from "../errors.js";
import { EventLoopBreather } from "../event-loop.js";
import type { Evaluation, Optimizable, OptimizeResult, RunOptions, StepInfo } from "./types.js";

/** One optimizer step: from the point x (rows x 3) with its evaluation, move and return the new evaluation. */
export type StepFunction = (x: Float64Array, ev: Evaluation, evaluate: () => Evaluation) => Evaluation;

/**
 * The loop every optimizer shares: evaluate the start, then step until converged (fmax, and the
 * stress residual for cell filters), the step limit, or a callback that returns false. A generator
 * that pauses before every step and returns the result (`drain`, `drainAsync` run it).
 */
export function* loopSteps(target: Optimizable, opts: Required<Omit<RunOptions, "callback">> & RunOptions, step: StepFunction): Generator<void, OptimizeResult> {
  const { fmax, smax, steps: maxSteps } = opts;
  if (!(fmax > 0)) throw new InputError(`fmax must be > 0 eV/A, got ${fmax}`);
  if (!(smax > 0)) throw new InputError(`smax must be > 0 eV/A^3, got ${smax}`);
  if (!Number.isInteger(maxSteps) || maxSteps < 0) throw new InputError(`step limit must be a non-negative integer, got ${maxSteps}`);
  let evaluations = 0;
  const evaluate = (): Evaluation => {
    evaluations++;
    const e = target.evaluate();
    if (!Number.isFinite(e.energy)) throw new CalculationFailed(`non-finite objective (${e.energy} eV) during the relaxation`);
    return e;
  };
  let ev = evaluate();
  let steps = 0;
  const converged = (e: Evaluation) => e.fmax < fmax && (!target.hasCell || e.stressResidual < smax);
  const report = (e: Evaluation): boolean => {
    if (!opts.callback) return true;
    const info: StepInfo = { step: steps, energy: e.energy, fmax: e.fmax, stressResidual: e.stressResidual, evaluations };
    return opts.callback(info) !== false;
  };
  let go = report(ev);
  while (go && !converged(ev) && steps < maxSteps) {
    yield;
    ev = step(target.getX(), ev, evaluate);
    steps++;
    go = report(ev);
  }
  return { converged: converged(ev), steps, evaluations, energy: ev.energy, fmax: ev.fmax, stressResidual: ev.stressResidual };
}

/** Runs a stepwise computation (a generator that pauses between steps) to its end. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * {@link drain}, giving the event loop a turn every 0.2 s of work, so that a long relaxation in the
 * CLI stops on Ctrl-C (its signal handler needs the event loop). Same result as `drain`.
 */
export async function drainAsync<T>(steps: Generator<void, T>): Promise<T> {
  const breather = new EventLoopBreather();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await breather.breathe();
  }
}
