// Incremental wasm builds (scripts/build-wasm.mjs): an unchanged checkout skips asc; any change to
// assembly/, asconfig.json or a missing output rebuilds.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM script without types
import { wasmInputsHash, wasmUpToDate } from "../scripts/build-wasm.mjs";

const ROOT = join(import.meta.dirname, "..");

describe("incremental wasm build", () => {
  it("skips asc when nothing changed (the test run's own build just made the kernels)", () => {
    const before = statSync(join(ROOT, "dist/eam.simd.wasm")).mtimeMs;
    const out = execFileSync(process.execPath, ["scripts/build-wasm.mjs"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("up to date");
    expect(out).not.toContain("converge");
    expect(statSync(join(ROOT, "dist/eam.simd.wasm")).mtimeMs).toBe(before);
    expect(wasmUpToDate(ROOT)).toBe(true);
  });

  it("sees a change to any kernel source, to asconfig.json and a missing output", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasm-inputs-"));
    try {
      cpSync(join(ROOT, "assembly"), join(dir, "assembly"), { recursive: true });
      cpSync(join(ROOT, "asconfig.json"), join(dir, "asconfig.json"));
      const h0 = wasmInputsHash(dir);
      expect(wasmInputsHash(dir)).toBe(h0);
      appendFileSync(join(dir, "assembly/cell.ts"), "\n// edit\n");
      const h1 = wasmInputsHash(dir);
      expect(h1).not.toBe(h0);
      writeFileSync(join(dir, "assembly/extra.ts"), "export const x = 1;\n");
      const h2 = wasmInputsHash(dir);
      expect(h2).not.toBe(h1);
      appendFileSync(join(dir, "asconfig.json"), " ");
      expect(wasmInputsHash(dir)).not.toBe(h2);
      // a clean clone: no dist/ at all
      expect(wasmUpToDate(dir)).toBe(false);
      mkdirSync(join(dir, "dist"));
      writeFileSync(join(dir, "dist/.wasm-inputs"), wasmInputsHash(dir) + "\n");
      writeFileSync(join(dir, "dist/eam.simd.wasm"), "");
      expect(wasmUpToDate(dir)).toBe(false); // scalar missing
      writeFileSync(join(dir, "dist/eam.scalar.wasm"), "");
      expect(wasmUpToDate(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
