// The wasm interface generated from its description (scripts/wasm-interface.mjs, context-fields.mjs):
// the generated files are current, the export reader agrees with the JS API, the description agrees
// with the compiled kernels, and the places still synced by hand (docs/architecture.md) agree too.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error plain ESM script without types
import { describedExports, exportProblems, parseSignature, staleFiles, validateDescription, wasmExports } from "../scripts/wasm-bindings.mjs";
// @ts-expect-error plain ESM script without types
import { EXPORTS } from "../scripts/wasm-interface.mjs";
import * as bindings from "../src/engine/bindings.generated.js";
import { instantiateKernels } from "../src/engine/wasm.js";
import { WasmArena } from "../src/engine/arena.js";
import { KERNEL_STATUS } from "../src/engine/neighbor-list.js";
import { packTables } from "../src/eam/tables.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";

const ROOT = join(import.meta.dirname, "..");
const SIMD = readFileSync(join(ROOT, "dist/eam.simd.wasm"));

type Described = Map<string, { kind: string; params?: string[]; results?: string[] }>;

describe("generated wasm bindings", () => {
  it("are current with their description", () => {
    expect(staleFiles(ROOT)).toEqual([]);
  });

  it("read export names, kinds and signatures from the binary as the JS API and the sources give them", () => {
    const exports: Described = wasmExports(SIMD);
    const api = WebAssembly.Module.exports(new WebAssembly.Module(SIMD));
    expect([...exports].map(([name, e]) => [name, e.kind]).sort()).toEqual(api.map((e) => [e.name, e.kind]).sort());
    expect(exports.get("runVerlet")).toEqual({ kind: "function", params: ["i32", "i32"], results: ["i32"] });
    expect(exports.get("kineticEnergy")).toEqual({ kind: "function", params: ["i32"], results: ["f64"] });
    expect(exports.get("passForce")).toEqual({ kind: "function", params: ["i32"], results: [] });
    expect(exports.get("STATUS_NEIGH")).toEqual({ kind: "global" });
  });

  it("describe exactly what both kernel builds export", () => {
    expect(exportProblems(SIMD)).toEqual([]);
    expect(exportProblems(readFileSync(join(ROOT, "dist/eam.scalar.wasm")))).toEqual([]);
  });

  it("name each difference between a description and the kernels", () => {
    const changed = structuredClone(EXPORTS);
    const core = changed.core.functions as [string, string][];
    core.splice(core.findIndex(([s]) => s.startsWith("ghostFp(")), 1); // exported, no longer described
    core.push(["gone(ctx: usize): void", "not in the kernels"]);
    core[core.findIndex(([s]) => s.startsWith("kineticEnergy("))][0] = "kineticEnergy(ctx: usize): i32";
    expect(exportProblems(SIMD, describedExports(changed))).toEqual([
      "kineticEnergy is (i32) -> f64, described (i32) -> i32",
      "gone missing",
      "ghostFp exported but not described",
    ]);
  });

  it("reject malformed descriptions and signatures", () => {
    expect(() => validateDescription([["x", "p", "a pointer without its element type"]], [])).toThrow(/kind 'p': use i, f, pf .* or pi/);
    expect(() => validateDescription([["x", "f", ""], ["x", "i", ""]], [])).toThrow(/declared twice/);
    expect(() => validateDescription([], [{ name: "A", value: 1, f64: 1, doc: "" }])).toThrow(/exactly one of value and f64/);
    expect(parseSignature("step(ctx: usize, n: i32): i32")).toEqual({ name: "step", params: [{ name: "ctx", type: "usize" }, { name: "n", type: "i32" }], result: "i32" });
    expect(() => parseSignature("step(ctx: u8): void")).toThrow(/bad parameter type/);
    expect(() => parseSignature("step(ctx: usize)")).toThrow(/bad export signature/);
  });

  it("make instantiation fail by name when the kernels are older than the code", () => {
    // a module exporting only its memory
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, ...new TextEncoder().encode("memory"), 2, 0]);
    expect(() => instantiateKernels(new WebAssembly.Module(bytes))).toThrow(/wasm kernels lack _initialize, heapBase, .*older than this code/);
  });
});

// Guards for the places docs/architecture.md lists as still synced by hand: each fails when its
// copy disagrees with the description. Migrating a place to the generated import makes its guard moot.
describe("the engines read the description's constants and element types", () => {
  it("the EAM record sizes of packTables (src/eam/tables.ts)", () => {
    const pot = readEamPotentialFile(join(ROOT, "potentials/Cu_u3.eam"));
    const t = packTables(pot);
    expect(t.density.length / (t.nr * t.ntypes ** 2)).toBe(bindings.DENSITY_RECORD);
    expect(t.force.length / (t.nr * t.ntypes ** 2)).toBe(bindings.FORCE_RECORD);
    expect(t.embed.length / (t.nrho * t.ntypes)).toBe(bindings.EMBED_RECORD);
  });

  it("the status labels (src/engine/neighbor-list.ts)", () => {
    expect(KERNEL_STATUS[bindings.STATUS_OK]).toBe("ok");
    expect(KERNEL_STATUS[bindings.STATUS_GHOSTS]).toBe("ghost arrays");
    expect(KERNEL_STATUS[bindings.STATUS_BINS]).toBe("bin arrays");
    expect(KERNEL_STATUS[bindings.STATUS_NEIGH]).toBe("neighbor list");
  });

  it("the arena views every buffer with its described element type", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const arena = new WasmArena(() => memory, 0);
    const fields = Object.keys(bindings.BUFFER_ELEMENT) as bindings.BufferField[];
    arena.layout(fields.map((f) => [f, 8]));
    const viewedAs = (f: bindings.BufferField) => (arena.raw(f) instanceof Int32Array ? "i32" : "f64");
    expect(fields.filter((f) => viewedAs(f) !== bindings.BUFFER_ELEMENT[f])).toEqual([]);
  });
});
