/**
 * The start of a worker entry (worker.ts, domain/worker.ts): exposes its api through comlink on the
 * worker_threads parent port in Node, on the worker's global scope in a module Web Worker.
 */
import { expose } from "comlink";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";

/**
 * Exposes `api` to the thread that started this worker. `script` and `startedBy` name the bundle and
 * the function that starts it, for the error outside a worker thread.
 */
export async function exposeWorker(api: object, script: string, startedBy: string): Promise<void> {
  const isNode = typeof process !== "undefined" && !!process.versions?.node;
  if (isNode) {
    const { parentPort } = await import("node:worker_threads");
    if (!parentPort) throw new Error(`ect-eam ${script} must run in a worker thread (it is started by ${startedBy})`);
    expose(api, nodeEndpoint(parentPort));
  } else {
    // Module Web Worker: expose before anything awaits, so no early message is missed.
    expose(api);
  }
}
