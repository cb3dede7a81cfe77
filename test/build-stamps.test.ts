// Incremental JS and type builds (scripts/build-stamp.mjs, build-js.mjs, build-types.mjs): a step runs
// again when any input's contents change, when an output is missing, and always in a clean clone
// (no dist/); the inputs named cover every file the bundles are made from.
import { describe, expect, it } from "vitest";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
// @ts-expect-error plain ESM script without types
import { inputsHash, upToDate } from "../scripts/build-stamp.mjs";
// @ts-expect-error plain ESM script without types
import { JS_STEP } from "../scripts/build-js.mjs";
// @ts-expect-error plain ESM script without types
import { TYPES_STEP } from "../scripts/build-types.mjs";

const ROOT = join(import.meta.dirname, "..");
type Step = { name: string; inputs: string[]; outputs: string[]; commands: string[][] };

describe("build stamps", () => {
  it("see a changed, an added and a missing input file, a missing output, and a clean clone", () => {
    const dir = mkdtempSync(join(tmpdir(), "build-stamps-"));
    try {
      mkdirSync(join(dir, "src", "sub"), { recursive: true });
      writeFileSync(join(dir, "src", "a.ts"), "export const a = 1;\n");
      writeFileSync(join(dir, "src", "sub", "b.ts"), "export const b = 2;\n");
      writeFileSync(join(dir, "tsconfig.json"), "{}\n");
      const step = { name: "t", inputs: ["src", "tsconfig.json"], outputs: ["dist/out.js"] };
      const h0 = inputsHash(dir, step.inputs);
      expect(inputsHash(dir, step.inputs)).toBe(h0);
      expect(upToDate(dir, step)).toBe(false); // a clean clone: no dist/
      mkdirSync(join(dir, "dist"));
      writeFileSync(join(dir, "dist", ".t-inputs"), h0 + "\n");
      expect(upToDate(dir, step)).toBe(false); // the output is missing
      writeFileSync(join(dir, "dist", "out.js"), "");
      expect(upToDate(dir, step)).toBe(true);
      appendFileSync(join(dir, "src", "sub", "b.ts"), "// edit\n");
      expect(upToDate(dir, step)).toBe(false);
      const h1 = inputsHash(dir, step.inputs);
      writeFileSync(join(dir, "src", "c.ts"), "\n");
      const h2 = inputsHash(dir, step.inputs);
      expect(h2).not.toBe(h1);
      rmSync(join(dir, "tsconfig.json"));
      expect(inputsHash(dir, step.inputs)).not.toBe(h2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the JS step's inputs hold every file esbuild bundles (outside node_modules) and the scripts it runs", async () => {
    const steps = [JS_STEP, TYPES_STEP] as Step[];
    const covered = (path: string, step: Step) => step.inputs.some((i) => path === i || path.startsWith(i + "/"));
    for (const step of steps) for (const [, script] of step.commands) if (script.startsWith("scripts/")) expect(covered(script, step), script).toBe(true);
    const entries = ["src/index.ts", "src/cli/main.ts", "bench/main.ts", "src/workers/worker.ts", "src/domain/worker.ts", "src/core.ts", "web/main.ts", "web/md.worker.ts"];
    const r = await build({ entryPoints: entries, bundle: true, write: false, metafile: true, format: "esm", platform: "node", outdir: "out", logLevel: "silent", absWorkingDir: ROOT, external: ["ect-eam:*"] });
    const files = Object.keys(r.metafile!.inputs).filter((p) => !p.startsWith("node_modules/"));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((p) => !covered(p, JS_STEP))).toEqual([]);
    // the declarations are made from src/ alone
    expect(files.filter((p) => p.endsWith(".ts") && p.startsWith("src/")).every((p) => covered(p, TYPES_STEP))).toBe(true);
    // and a fresh copy of the inputs is not up to date until a stamp says so
    const dir = mkdtempSync(join(tmpdir(), "build-stamps-js-"));
    try {
      cpSync(join(ROOT, "scripts"), join(dir, "scripts"), { recursive: true });
      expect(upToDate(dir, JS_STEP)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
