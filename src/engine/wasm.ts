import { instantiateSync } from "@assemblyscript/loader";

import { KERNEL_FUNCTIONS, type KernelExports } from "./bindings.generated.js";

// The export interfaces are generated from scripts/wasm-interface.mjs (npm run build:wasm checks them
// against the compiled kernels).
export type { KernelExports, EctKernelExports, StreitzKernelExports } from "./bindings.generated.js";

/** Which build of the kernels: `simd` (f64x2, the default) or `scalar` (same source, no SIMD). */
export type KernelVariant = "simd" | "scalar";

const modules = new Map<KernelVariant, WebAssembly.Module>();
/** Modules compiled from caller-supplied wasm, keyed by the bytes object (collected with it). */
const modulesByBytes = new WeakMap<BufferSource, WebAssembly.Module>();

function wasmFileName(variant: KernelVariant): string {
  return `eam.${variant}.wasm`;
}

async function readBytes(variant: KernelVariant): Promise<BufferSource> {
  const name = wasmFileName(variant);
  // Bundled (dist/*.js next to dist/*.wasm) or run from source (src/engine -> dist).
  const candidates = [new URL(`./${name}`, import.meta.url), new URL(`../../dist/${name}`, import.meta.url)];
  const isNode = typeof process !== "undefined" && !!process.versions?.node;
  if (isNode) {
    const { readFile } = await import("node:fs/promises");
    const { fileURLToPath } = await import("node:url");
    for (const url of candidates) {
      try {
        return await readFile(fileURLToPath(url));
      } catch {
        // try the next location
      }
    }
    throw new Error(`cannot find ${name} next to the package code; run 'npm run build' first`);
  }
  for (const url of candidates) {
    const res = await fetch(url);
    if (res.ok) return await res.arrayBuffer();
  }
  throw new Error(`cannot fetch ${name}; serve it next to the bundle`);
}

/**
 * Compiles and caches the kernel module: once per variant for the package's own wasm, once per
 * `bytes` object when you pass the wasm yourself (for bundlers or serverless platforms that ship it
 * as an asset). Supplied bytes are keyed by the object, not the variant, so two different builds
 * loaded in one process (an A/B comparison) get two modules.
 */
export async function loadKernelModule(variant: KernelVariant = "simd", bytes?: BufferSource): Promise<WebAssembly.Module> {
  if (bytes !== undefined) {
    let mod = modulesByBytes.get(bytes);
    if (!mod) {
      mod = await WebAssembly.compile(bytes);
      modulesByBytes.set(bytes, mod);
    }
    return mod;
  }
  let mod = modules.get(variant);
  if (!mod) {
    mod = (await compileStreamingInBrowser(variant)) ?? (await WebAssembly.compile(await readBytes(variant)));
    modules.set(variant, mod);
  }
  return mod;
}

/**
 * In a browser, compiles straight from the response (WebAssembly.compileStreaming), which lets the
 * browser keep the compiled code in its HTTP cache for the next page load; null elsewhere or when the
 * server does not send application/wasm (the caller then compiles the bytes). In Node the compile
 * itself takes ~2 ms: functions are compiled on first call, and an MD run calls about twenty of the
 * module's ~60 (all of them ahead of time: ~63 ms of CPU, `npm run bench -- --only process-eam`).
 * Node 20 has no API to persist compiled wasm: v8.serialize of a Module gives 2 bytes, an in-process
 * transfer id that v8.deserialize refuses even in the same process, and V8's own wasm code cache is
 * not reachable from Node. So nothing is cached beyond the per-process module map.
 */
async function compileStreamingInBrowser(variant: KernelVariant): Promise<WebAssembly.Module | null> {
  const isNode = typeof process !== "undefined" && !!process.versions?.node;
  if (isNode || typeof WebAssembly.compileStreaming !== "function" || typeof fetch !== "function") return null;
  for (const url of [new URL(`./${wasmFileName(variant)}`, import.meta.url), new URL(`../../dist/${wasmFileName(variant)}`, import.meta.url)]) {
    try {
      const res = await fetch(url);
      if (res.ok && (res.headers.get("content-type") ?? "").startsWith("application/wasm")) return await WebAssembly.compileStreaming(res);
    } catch {
      // try the next location, then the byte path
    }
  }
  return null;
}

/** A new instance with its own linear memory, through @assemblyscript/loader (Node and browser alike). */
export function instantiateKernels(mod: WebAssembly.Module): KernelExports {
  const { exports } = instantiateSync<Record<string, unknown>>(mod, {});
  // A kernel file older than this code (a bundle shipped with stale wasm) fails here, by name,
  // instead of as "not a function" somewhere in an engine.
  const missing = KERNEL_FUNCTIONS.filter((name) => typeof exports[name] !== "function");
  if (missing.length > 0) throw new Error(`the wasm kernels lack ${missing.join(", ")}: they are older than this code; rebuild them (npm run build)`);
  return exports as unknown as KernelExports;
}
