/**
 * Entry of a domain worker (`md.ts` starts P of them), bundled to `dist/domain-worker.js` (Node
 * worker_threads) and `dist/browser/domain-worker.js` (module Web Worker). It exposes
 * `DomainWorkerApi` through comlink; the workers step together through shared memory.
 */
import { transfer } from "comlink";
import { exposeWorker } from "../workers/expose-worker.js";
import { serializeError } from "../workers/protocol.js";
import { Domain } from "./domain.js";
import { DomainAborted } from "./exchange.js";
import type { DomainWorkerApi, Reply } from "./protocol.js";

let domain: Domain | undefined;

/** Runs `f`; a failure is returned (never thrown through comlink) and stops the other workers. */
function guarded<T>(f: () => T): Reply<T> {
  try {
    return { status: "ok", value: f() };
  } catch (e) {
    const aborted = e instanceof DomainAborted;
    if (!aborted) domain?.abort();
    return { status: "error", error: serializeError(e), aborted };
  }
}

function current(): Domain {
  if (!domain) throw new Error("internal: domain worker used before init");
  return domain;
}

const api: DomainWorkerApi = {
  async init(setup) {
    return guarded(() => {
      domain = new Domain(setup);
      return null;
    });
  },
  start() {
    return guarded(() => current().start());
  },
  run(steps) {
    return guarded(() => current().run(steps));
  },
  gather() {
    const reply = guarded(() => current().gather());
    if (reply.status !== "ok") return reply;
    const v = reply.value;
    const buffers = [v.gid.buffer, v.positions.buffer, v.velocities.buffer, v.forces.buffer, v.energies.buffer, ...(v.charges ? [v.charges.buffer] : [])];
    return transfer(reply, buffers as ArrayBuffer[]);
  },
};

await exposeWorker(api, "domain-worker.js", "createDomainMd");
