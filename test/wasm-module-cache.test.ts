// The kernel module cache (src/engine/wasm.ts): one module per variant for the package's own wasm,
// one per bytes object for caller-supplied wasm, so two builds in one process stay two modules.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadKernelModule } from "../src/engine/wasm.js";

describe("loadKernelModule cache", () => {
  it("caches the package's own module per variant", async () => {
    expect(Object.is(await loadKernelModule("simd"), await loadKernelModule("simd"))).toBe(true);
  });

  it("keys supplied bytes by the object: different builds under one variant give different modules", async () => {
    const own = await loadKernelModule("simd");
    const scalarBytes = new Uint8Array(readFileSync("dist/eam.scalar.wasm"));
    const simdCopy = new Uint8Array(readFileSync("dist/eam.simd.wasm"));
    const fromScalar = await loadKernelModule("simd", scalarBytes);
    expect(Object.is(fromScalar, own)).toBe(false);
    expect(Object.is(await loadKernelModule("simd", scalarBytes), fromScalar)).toBe(true);
    const fromCopy = await loadKernelModule("simd", simdCopy);
    expect(Object.is(fromCopy, own)).toBe(false);
    expect(Object.is(fromCopy, fromScalar)).toBe(false);
    // Both builds export the same interface: the difference is inside the code, not in the names.
    expect(WebAssembly.Module.exports(fromScalar).map((e) => e.name)).toEqual(WebAssembly.Module.exports(own).map((e) => e.name));
  });
});
