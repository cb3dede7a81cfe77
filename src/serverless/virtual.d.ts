// Modules that scripts/build-serverless.mjs provides at bundle time (they do not exist on disk).

/** dist/eam.simd.wasm inlined as bytes (esbuild's binary loader): the Node bundle. */
declare module "ect-eam:kernel-bytes" {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

/**
 * `import kernels from "./eam.simd.wasm"` in the edge worker: a WebAssembly.Module that the
 * platform compiled at deploy time (Cloudflare's CompiledWasm module rule).
 */
declare module "ect-eam:kernel-module" {
  const module: WebAssembly.Module;
  export default module;
}

/** The bundled potentials (by file name) and ECT-EAM models (by name), as text. */
declare module "ect-eam:assets" {
  export const potentials: Record<string, string>;
  export const models: Record<string, string>;
}
