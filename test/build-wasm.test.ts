// Incremental wasm builds (scripts/build-wasm.mjs): an unchanged checkout skips asc; any change to
// assembly/, asconfig.json or a missing output rebuilds. Every build checks the wasm interface for
// drift (scripts/wasm-bindings.mjs) and fails with one line when it finds some.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from "node:fs";
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

describe("wasm interface drift check in the build", () => {
  /** A checkout with the build's inputs and the current kernels, the stamp written as up to date. */
  function checkout(): string {
    const dir = mkdtempSync(join(tmpdir(), "wasm-drift-"));
    for (const p of ["scripts", "assembly", "asconfig.json", "src/engine/context.ts", "src/engine/bindings.generated.ts", "dist/eam.simd.wasm", "dist/eam.scalar.wasm"]) {
      cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    }
    writeFileSync(join(dir, "dist/.wasm-inputs"), wasmInputsHash(dir) + "\n");
    return dir;
  }
  function build(dir: string) {
    const r = spawnSync(process.execPath, [join(dir, "scripts/build-wasm.mjs")], { cwd: dir, encoding: "utf8" });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it("passes on an unchanged checkout", () => {
    const dir = checkout();
    try {
      expect(build(dir)).toMatchObject({ status: 0, stderr: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with one line naming the stale generated file and the command that regenerates it", () => {
    const dir = checkout();
    try {
      appendFileSync(join(dir, "src/engine/bindings.generated.ts"), "// edited by hand\n");
      // and an assembly/ change: the check comes first (asc, absent here, would fail otherwise)
      appendFileSync(join(dir, "assembly/cell.ts"), "\n// edit\n");
      const r = build(dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe("build-wasm: src/engine/bindings.generated.ts out of date with scripts/context-fields.mjs / scripts/wasm-interface.mjs: run 'node scripts/wasm-bindings.mjs --write'\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with one line when the kernels export something else than described", () => {
    const dir = checkout();
    try {
      const desc = join(dir, "scripts/wasm-interface.mjs");
      writeFileSync(desc, readFileSync(desc, "utf8").replace('"kineticEnergy(ctx: usize): f64"', '"kineticEnergy(ctx: usize): i32"'));
      execFileSync(process.execPath, [join(dir, "scripts/wasm-bindings.mjs"), "--write"], { cwd: dir });
      const r = build(dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe("build-wasm: dist/eam.simd.wasm exports differ from scripts/wasm-interface.mjs: kineticEnergy is (i32) -> f64, described (i32) -> i32\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
