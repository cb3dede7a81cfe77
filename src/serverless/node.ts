// Entry of dist/serverless.mjs: one ESM file for Node-based functions (AWS Lambda, Vercel, Netlify,
// Google Cloud Functions...). The kernels' wasm bytes and the bundled potentials are inlined by
// scripts/build-serverless.mjs; nothing is read from disk at run time.
import { loadKernelModule } from "../core.js";
import kernelBytes from "ect-eam:kernel-bytes";
import { models, potentials } from "ect-eam:assets";
import { createHandler } from "./handler.js";

/** `{ fetch(request) }`: Web Request in, Web Response out. */
export default createHandler({
  kernel: () => loadKernelModule("simd", kernelBytes),
  potentials,
  models,
});
