/**
 * Threads for the worker pool (`pool.ts`) and the spatial domains (`../domain`): Node worker_threads
 * through comlink's Node adapter, module Web Workers in browsers. The only platform-specific part
 * of either.
 */
import { wrap, type Remote } from "comlink";

/** A started worker thread behind a comlink proxy. */
export interface Thread<Api> {
  remote: Remote<Api>;
  /** Rejects when the thread stops (crash, or terminate). */
  stopped: Promise<never>;
  terminate(): Promise<void>;
}

export type Spawner<Api> = () => Promise<Thread<Api>>;

/** The worker scripts the package ships next to its bundles. */
export type WorkerScript = "worker.js" | "domain-worker.js";

export const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers, else 4. */
export async function defaultWorkerCount(): Promise<number> {
  if (isNode) {
    const os = await import("node:os");
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length || 4;
  }
  return (typeof navigator !== "undefined" && navigator.hardwareConcurrency) || 4;
}

/** Resolves to a thread's death as an Error (never fulfils); handled so it is never "unhandled". */
function deathSignal(): { stopped: Promise<never>; die: (reason: Error) => void } {
  let die!: (reason: Error) => void;
  const stopped = new Promise<never>((_, reject) => (die = reject));
  stopped.catch(() => {});
  return { stopped, die };
}

/**
 * A function that starts one thread running `script` (or `workerUrl` when given).
 * @throws Error in Node when the script cannot be found (run `npm run build`)
 */
export async function threadSpawner<Api>(script: WorkerScript, workerUrl?: string | URL): Promise<Spawner<Api>> {
  if (isNode) {
    const { Worker } = await import("node:worker_threads");
    const { default: nodeEndpoint } = await import("comlink/dist/esm/node-adapter.mjs");
    const url = workerUrl ?? (await findNodeWorker(script));
    const execArgv = workerExecArgv(process.execArgv);
    return async () => {
      const w = new Worker(url, { execArgv });
      const { stopped, die } = deathSignal();
      const id = w.threadId;
      let error: unknown;
      w.on("error", (e) => (error = e));
      w.on("exit", (code) => {
        const why = error instanceof Error ? `: ${error.message}` : "";
        die(new Error(`worker thread ${id} stopped (exit code ${code})${why}`));
      });
      return {
        remote: wrap<Api>(nodeEndpoint(w)),
        stopped,
        terminate: async () => {
          await w.terminate();
        },
      };
    };
  }
  return async () => {
    // Literal `new URL("./x.js", import.meta.url)` expressions let bundlers find and emit the workers.
    const w = workerUrl
      ? new Worker(workerUrl, { type: "module" })
      : script === "worker.js"
        ? new Worker(new URL("./worker.js", import.meta.url), { type: "module" })
        : new Worker(new URL("./domain-worker.js", import.meta.url), { type: "module" });
    const { stopped, die } = deathSignal();
    // A Web Worker reports a failed load or an uncaught error; either way this one is not trusted again.
    w.addEventListener("error", (e) => {
      w.terminate();
      die(new Error(`worker failed: ${e.message || "could not load the worker script"}`));
    });
    return {
      remote: wrap<Api>(w),
      stopped,
      terminate: async () => {
        w.terminate();
        die(new Error("worker terminated"));
      },
    };
  };
}

/**
 * The parent's Node flags minus those a worker rejects (`--input-type`, given when the main script
 * comes from stdin or --eval); the rest (memory limits, experimental features) carry over as by default.
 */
function workerExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--input-type") i++;
    else if (!argv[i].startsWith("--input-type=")) out.push(argv[i]);
  }
  return out;
}

/** The script next to this bundle, or in dist/ when running from the TypeScript sources. */
async function findNodeWorker(script: WorkerScript): Promise<URL> {
  const { existsSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const candidates = [new URL(`./${script}`, import.meta.url), new URL(`../../dist/${script}`, import.meta.url)];
  for (const url of candidates) if (url.protocol === "file:" && existsSync(fileURLToPath(url))) return url;
  throw new Error(`cannot find ${script} next to the package code (looked for ${candidates.map((u) => u.href).join(", ")}); run 'npm run build' first`);
}
