// Entry of dist/edge/worker.mjs for V8-isolate runtimes (Cloudflare Workers / workerd) that refuse
// to compile WebAssembly from bytes at run time. The kernels come from `import ... from
// "./eam.simd.wasm"` (kept as an import by scripts/build-serverless.mjs, the file placed next to the
// worker), which the platform compiles at deploy time into a WebAssembly.Module.
import kernelModule from "ect-eam:kernel-module";
import { models, potentials } from "ect-eam:assets";
import { createHandler } from "./handler.js";

/** `{ fetch(request) }`, the module-worker default export. */
export default createHandler({ kernel: kernelModule, potentials, models });
