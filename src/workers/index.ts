/** Worker pool for batch evaluation (Node worker_threads, browser module Web Workers). */
export {
  createWorkerPool,
  type WorkerPool,
  type WorkerPoolOptions,
  type ProgressCallback,
  type PotentialSpec,
  type EamPotentialSpec,
  type EctPotentialSpec,
  type BatchResult,
} from "./pool.js";
