/**
 * Evaluates a training set with a model given as JSON text: in this thread, or spread over a
 * worker pool. Every frame is a cold start (the weights do not depend on the order of the frames
 * or on the previous parameter set), so the objective is a function of the parameters alone and a
 * fit is reproducible whichever worker evaluates which frame.
 */
import { EventLoopBreather } from "../event-loop.js";
import type { Atoms } from "../atoms.js";
import { EctCalculator, type EctResults } from "../ect/calculator.js";
import { parseEctModelText } from "../ect/model.js";
import { buildEctTables } from "../ect/tables.js";
import type { WorkerPool } from "../workers/index.js";

/** Evaluates frames with a model file's text. */
export interface ModelEvaluator {
  readonly workers: number;
  evaluate(modelText: string, frames: readonly Atoms[]): Promise<EctResults[]>;
  close(): Promise<void>;
}

/** Single-threaded evaluator (one wasm instance per model text, the last few kept). */
export function localEvaluator(): ModelEvaluator {
  const cache = new Map<string, EctCalculator>();
  const breather = new EventLoopBreather();
  return {
    workers: 1,
    async evaluate(text, frames) {
      let calc = cache.get(text);
      if (!calc) {
        calc = await EctCalculator.create(buildEctTables(parseEctModelText(text, "fit")), { source: "fit" });
        if (cache.size >= 4) cache.delete(cache.keys().next().value as string);
        cache.set(text, calc);
      }
      const out: EctResults[] = [];
      for (const a of frames) {
        // reports and fits evaluate thousands of frames: let Ctrl-C through between them
        await breather.breathe();
        calc.engine.coldStart();
        out.push(calc.calculate(a));
      }
      return out;
    },
    async close() {
      cache.clear();
    },
  };
}

/** Evaluator over a worker pool (`createWorkerPool`); the caller creates and closes the pool. */
export function poolEvaluator(pool: WorkerPool): ModelEvaluator {
  return {
    workers: pool.size,
    evaluate: (text, frames) => pool.evaluate({ kind: "ect", text, fileName: "fit" }, frames),
    close: async () => {},
  };
}
