/**
 * Worker entry of the pool (`pool.ts`), bundled to `dist/worker.js` (Node worker_threads) and
 * `dist/browser/worker.js` (module Web Worker). It exposes `WorkerApi` through comlink.
 *
 * Each worker keeps a few calculators (one wasm instance each), keyed by the hash of the potential's
 * text, so a potential is parsed and tabulated once per worker. Every frame is evaluated from a cold
 * start (`engine.setAtoms` first: fresh neighbor list, ECT weights from the initial guess), so a
 * frame's result does not depend on which frames the same worker evaluated before: it equals
 * `calculate(atoms)` of a freshly created calculator, bit for bit.
 */
import { transfer } from "comlink";
import { EamCalculator } from "../eam/calculator.js";
import type { KernelVariant } from "../engine/wasm.js";
import { EctCalculator } from "../ect/calculator.js";
import { parseEctModelText } from "../ect/model.js";
import { buildEctTables } from "../ect/tables.js";
import { parseEamPotential } from "../potentials/eam-parse.js";
import { exposeWorker } from "./expose-worker.js";
import {
  decodeFrame,
  serializeError,
  transferables,
  type EvaluateReply,
  type FrameMessage,
  type FrameReply,
  type LoadReply,
  type PotentialSpec,
  type WorkerApi,
} from "./protocol.js";

/** Calculators kept per worker (least recently used goes first); each holds its own wasm memory. */
const CACHE_SIZE = 4;

type Entry = { kind: "eam"; calc: EamCalculator } | { kind: "ect"; calc: EctCalculator };

let kernelModule: WebAssembly.Module | undefined;
let kernelVariant: KernelVariant = "simd";
const cache = new Map<string, Entry>();

async function build(spec: PotentialSpec): Promise<{ entry: Entry; warnings: string[] }> {
  const opts = { variant: kernelVariant, module: kernelModule };
  if (spec.kind === "eam") {
    const potential = parseEamPotential(spec.text, { fileName: spec.fileName, style: spec.style });
    const calc = await EamCalculator.create(potential, opts);
    // Off-table densities are counted per frame in the results; the pool reports them.
    calc.onWarning = () => {};
    return { entry: { kind: "eam", calc }, warnings: [] };
  }
  if (spec.kind === "ect") {
    const model = parseEctModelText(spec.text, spec.fileName);
    const calc = await EctCalculator.create(buildEctTables(model), { ...opts, source: spec.fileName });
    return { entry: { kind: "ect", calc }, warnings: model.warnings.map((w) => `${spec.fileName}: ${w}`) };
  }
  throw new TypeError(`unknown potential kind '${String((spec as { kind: unknown }).kind)}'; expected "eam" or "ect"`);
}

const api: WorkerApi = {
  init(module: WebAssembly.Module, variant: KernelVariant): void {
    kernelModule = module;
    kernelVariant = variant;
  },

  async load(key: string, spec: PotentialSpec): Promise<LoadReply> {
    if (cache.has(key)) return { status: "ok", warnings: [] };
    try {
      const { entry, warnings } = await build(spec);
      cache.set(key, entry);
      while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return { status: "ok", warnings };
    } catch (e) {
      return { status: "error", error: serializeError(e) };
    }
  },

  evaluate(key: string, frames: FrameMessage[]): EvaluateReply {
    const entry = cache.get(key);
    if (!entry) return { status: "missing" };
    cache.delete(key);
    cache.set(key, entry);
    const replies: FrameReply[] = frames.map((frame) => {
      try {
        const atoms = decodeFrame(frame);
        // Cold start whatever the previous frame was (calculate only reloads when the system changes).
        entry.calc.engine.setAtoms(atoms);
        return { status: "ok", result: entry.calc.calculate(atoms) };
      } catch (e) {
        return { status: "error", error: serializeError(e) };
      }
    });
    const results = replies.flatMap((r) => (r.status === "ok" ? [r.result] : []));
    return transfer({ status: "done", frames: replies }, transferables(...results));
  },
};

await exposeWorker(api, "worker.js", "createWorkerPool");
