// The worker pool (src/workers): batch results equal single-threaded calculators bit for bit, errors
// reach the caller as the same class and message with the frame index, and close() lets Node exit.
// The pool starts dist/worker.js, so these tests need `npm run build` first (npm test does it).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { Random } from "../src/dynamics/random.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { parseEctModelText } from "../src/ect/model.js";
import { buildEctTables } from "../src/ect/tables.js";
import { CalculationFailed, InputError, ModelError } from "../src/errors.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { createWorkerPool, type EamPotentialSpec, type EctPotentialSpec, type WorkerPool } from "../src/workers/pool.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const REF = join(ROOT, "test", "fixtures", "ref");
const FIXTURES = readdirSync(REF)
  .filter((f) => f.endsWith(".extxyz"))
  .sort();

function eamSpec(name: string): EamPotentialSpec {
  return { kind: "eam", text: readFileSync(join(ROOT, "potentials", name), "utf8"), fileName: name };
}

/** What a single-threaded user gets: a fresh calculator per structure. */
async function singleEam(spec: EamPotentialSpec, atoms: Atoms) {
  const calc = await EamCalculator.create(parseEamPotential(spec.text, { fileName: spec.fileName }));
  calc.onWarning = () => {};
  return calc.calculate(atoms);
}

/** Same bits: numbers by Object.is, typed arrays byte by byte, objects key by key. */
function expectIdentical(actual: unknown, expected: unknown, path: string): void {
  if (ArrayBuffer.isView(expected)) {
    expect(ArrayBuffer.isView(actual), path).toBe(true);
    const a = actual as ArrayBufferView;
    expect(a.constructor, path).toBe(expected.constructor);
    const ab = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const eb = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    expect(ab.length, path).toBe(eb.length);
    const first = ab.findIndex((v, i) => v !== eb[i]);
    expect(first, `${path}: first differing byte`).toBe(-1);
  } else if (expected !== null && typeof expected === "object") {
    expect(actual !== null && typeof actual === "object", path).toBe(true);
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectIdentical((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    expect(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`).toBe(true);
  }
}

function rattledCu(repeat: number, seed: number): Atoms {
  const atoms = bulk("Cu", "fcc", 3.615, repeat);
  const rng = new Random(seed);
  for (let i = 0; i < atoms.positions.length; i++) atoms.positions[i] += 0.1 * rng.normal();
  return atoms;
}

let pool: WorkerPool;
const warnings: string[] = [];
beforeAll(async () => {
  pool = await createWorkerPool({ workers: 2, onWarning: (m) => warnings.push(m) });
});
afterAll(async () => {
  await pool?.close();
});

describe("worker pool: results equal single-threaded calculators bit for bit", () => {
  it("13 LAMMPS reference fixtures, four potentials evaluated concurrently", async () => {
    expect(pool.size).toBe(2);
    const byPotential = new Map<string, { name: string; atoms: Atoms }[]>();
    for (const name of FIXTURES) {
      const [atoms] = parseExtxyz(readFileSync(join(REF, name), "utf8"), name);
      const pot = String(atoms.info.potential);
      byPotential.set(pot, [...(byPotential.get(pot) ?? []), { name, atoms }]);
    }
    expect(FIXTURES.length).toBe(13);
    expect(byPotential.size).toBe(4);
    const progress: [number, number][] = [];
    await Promise.all(
      [...byPotential].map(async ([pot, items]) => {
        const spec = eamSpec(pot);
        const frames = items.map((it) => it.atoms);
        const positionsBefore = frames.map((f) => f.positions.slice());
        const results = await pool.evaluate(spec, frames, (done, total) => progress.push([done, total]));
        expect(results).toHaveLength(frames.length);
        for (let k = 0; k < frames.length; k++) {
          // The caller's arrays are copied, not transferred away.
          expect(frames[k].positions).toEqual(positionsBefore[k]);
          expectIdentical(results[k], await singleEam(spec, frames[k]), items[k].name);
          // And they are the LAMMPS numbers (loosely: the reference test checks the tolerances).
          expect(results[k].energy).toBeCloseTo(Number(frames[k].info.energy), 6);
        }
      }),
    );
    expect(progress).toHaveLength(13);
    expect(progress.filter(([d, t]) => d === t)).toHaveLength(4);
  });

  it("the same system many times (neighbor list and weights never carried over between frames)", async () => {
    const spec = eamSpec("Cu_u3.eam");
    const frames = Array.from({ length: 24 }, (_, k) => rattledCu(3, 40 + k)); // several to a message
    const results = await pool.evaluate(spec, frames);
    for (let k = 0; k < frames.length; k++) expectIdentical(results[k], await singleEam(spec, frames[k]), `frame ${k}`);
  });

  it("ECT-EAM dimers (ect-starter): charges, weights, grand potential identical to EctCalculator", async () => {
    const fileName = "models/ect-starter.json";
    const spec: EctPotentialSpec = { kind: "ect", text: readFileSync(join(ROOT, fileName), "utf8"), fileName };
    const dimer = (a: string, b: string, r: number) =>
      new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0.1, -0.2, r], pbc: [false, false, false] });
    const frames = [dimer("Na", "Cl", 2.4), dimer("Li", "F", 1.6), dimer("H", "H", 0.74), dimer("Li", "H", 1.6), dimer("Na", "Cl", 2.4), dimer("H", "F", 0.92)];
    const results = await pool.evaluate(spec, frames);
    const tables = buildEctTables(parseEctModelText(spec.text, fileName));
    for (let k = 0; k < frames.length; k++) {
      const single = (await EctCalculator.create(tables, { source: fileName })).calculate(frames[k]);
      expectIdentical(results[k], single, `dimer ${k}`);
    }
    expect(results[0].charges[0]).toBeGreaterThan(0.1); // Na+ Cl-
    expectIdentical(results[4], results[0], "repeated NaCl");
    // The model's warnings reach the caller once, not once per worker.
    const modelWarnings = parseEctModelText(spec.text, fileName).warnings;
    expect(warnings.filter((w) => w.startsWith(`${fileName}: `))).toEqual(modelWarnings.map((w) => `${fileName}: ${w}`));
  });
});

describe("worker pool: errors", () => {
  const spec = eamSpec("Cu_u3.eam");
  const bad = () => {
    const a = rattledCu(2, 7);
    a.symbols[5] = "Ag";
    return a;
  };

  it("an unknown species: InputError naming the frame and atom, the other frames still evaluated", async () => {
    let single: unknown;
    try {
      await singleEam(spec, bad());
    } catch (e) {
      single = e;
    }
    expect(single).toBeInstanceOf(InputError);
    const frames = [rattledCu(2, 1), rattledCu(2, 2), bad(), rattledCu(2, 3)];

    const settled = await pool.evaluateSettled(spec, frames);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const err = (settled[2] as PromiseRejectedResult).reason as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.name).toBe("InputError");
    expect(err.frame).toBe(2);
    expect(err.atom).toBe(5);
    expect(err.message).toBe(`frame 2, ${(single as Error).message}`);
    expect(err.message).toMatch(/species 'Ag' is not in Cu_u3\.eam/);
    for (const k of [0, 1, 3]) {
      expectIdentical((settled[k] as PromiseFulfilledResult<unknown>).value, await singleEam(spec, frames[k]), `frame ${k}`);
    }

    // evaluate() fails fast with the lowest failing frame's error.
    await expect(pool.evaluate(spec, frames)).rejects.toMatchObject({ name: "InputError", frame: 2, atom: 5 });
    await expect(pool.evaluate(spec, [bad(), ...frames])).rejects.toMatchObject({ frame: 0 });
    // The pool is still usable.
    const again = await pool.evaluate(spec, [frames[3]]);
    expectIdentical(again[0], await singleEam(spec, frames[3]), "after the errors");
  });

  it("a potential that cannot be read rejects the call with the parser's error; the pool goes on", async () => {
    const broken: EamPotentialSpec = { kind: "eam", text: "comment\nline two\nnot a header\n", fileName: "broken.eam" };
    let single: unknown;
    try {
      parseEamPotential(broken.text, { fileName: broken.fileName });
    } catch (e) {
      single = e;
    }
    expect(single).toBeInstanceOf(InputError);
    const e1 = await pool.evaluate(broken, [rattledCu(2, 1), rattledCu(2, 2), rattledCu(2, 3)]).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(InputError);
    expect((e1 as Error).message).toBe((single as Error).message);

    const invalidModel: EctPotentialSpec = { kind: "ect", text: "{}", fileName: "empty.json" };
    let singleModel: unknown;
    try {
      parseEctModelText(invalidModel.text, invalidModel.fileName);
    } catch (e) {
      singleModel = e;
    }
    expect(singleModel).toBeInstanceOf(ModelError);
    const e2 = await pool.evaluateSettled(invalidModel, [rattledCu(2, 1)]).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ModelError);
    expect((e2 as ModelError).message).toBe((singleModel as ModelError).message);
    expect((e2 as ModelError).field).toBe((singleModel as ModelError).field);

    expect(await pool.evaluate(spec, [rattledCu(2, 1)])).toHaveLength(1);
  });
});

describe("worker pool: a worker thread that dies", () => {
  it("fails only the frame it was evaluating; a new worker takes over", async () => {
    // dist/worker.js behind a shim that ends the thread when asked to evaluate a one-atom frame.
    const dir = mkdtempSync(join(tmpdir(), "ect-eam-workers-"));
    const shim = join(dir, "crashing-worker.mjs");
    writeFileSync(
      shim,
      `import { parentPort } from "node:worker_threads";
       const on = parentPort.on.bind(parentPort);
       parentPort.on = (type, listener) => on(type, type !== "message" ? listener : (data) => {
         const frames = data?.argumentList?.[1]?.value;
         if (data?.type === "APPLY" && data.path?.[0] === "evaluate" && frames.some((f) => f.types.length === 1)) process.exit(7);
         listener(data);
       });
       await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist", "worker.js")).href)});`,
    );
    const p = await createWorkerPool({ workers: 2, workerUrl: pathToFileURL(shim) });
    try {
      const spec = eamSpec("Cu_u3.eam");
      const lone = new Atoms({ symbols: ["Cu"], positions: [0, 0, 0] });
      // 20 frames: several to a message, so the crash also takes down frames that did nothing wrong.
      const frames = Array.from({ length: 20 }, (_, k) => (k === 5 ? lone : rattledCu(2, k)));
      const settled = await p.evaluateSettled(spec, frames);
      expect(settled.map((s, k) => [k, s.status])).toEqual(frames.map((_, k) => [k, k === 5 ? "rejected" : "fulfilled"]));
      const err = (settled[5] as PromiseRejectedResult).reason as CalculationFailed;
      expect(err).toBeInstanceOf(CalculationFailed);
      expect(err.message).toMatch(/^frame 5: the worker evaluating it stopped \(worker thread \d+ stopped \(exit code 7\)\)/);
      for (let k = 0; k < frames.length; k++) {
        if (k === 5) continue;
        expectIdentical((settled[k] as PromiseFulfilledResult<unknown>).value, await singleEam(spec, frames[k]), `frame ${k}`);
      }
      await expect(p.evaluate(spec, frames)).rejects.toBeInstanceOf(CalculationFailed);
      expect(await p.evaluate(spec, [frames[0], frames[1], frames[3]])).toHaveLength(3);
    } finally {
      await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("worker pool: close()", () => {
  it("a closed pool rejects new work", async () => {
    const p = await createWorkerPool({ workers: 1, variant: "scalar" });
    const [r] = await p.evaluate(eamSpec("Cu_u3.eam"), [rattledCu(2, 9)]);
    const calc = await EamCalculator.create(parseEamPotential(eamSpec("Cu_u3.eam").text, { fileName: "Cu_u3.eam" }), { variant: "scalar" });
    expectIdentical(r, calc.calculate(rattledCu(2, 9)), "scalar kernels");
    await p.close();
    await p.close();
    await expect(p.evaluate(eamSpec("Cu_u3.eam"), [rattledCu(2, 9)])).rejects.toThrow(/closed/);
  });

  it("terminates the worker threads: a Node process that closes its pool exits (and one that does not, does not)", async () => {
    // The pool from source, bundled on the fly and run from dist/ (where worker.js and the wasm are).
    const driver = (closeIt: boolean) => `
      import { readFileSync } from "node:fs";
      import { createWorkerPool } from "./src/workers/pool.ts";
      import { bulk } from "./src/structures/lattice.ts";
      const pool = await createWorkerPool({ workers: 2 });
      const text = readFileSync(${JSON.stringify(join(ROOT, "potentials", "Cu_u3.eam"))}, "utf8");
      const frames = [bulk("Cu", "fcc", 3.615, 2), bulk("Cu", "fcc", 3.6, 2), bulk("Cu", "fcc", 3.63, 2)];
      const r = await pool.evaluate({ kind: "eam", text, fileName: "Cu_u3.eam" }, frames);
      console.log("evaluated", r.length);
      ${closeIt ? "await pool.close();" : ""}
    `;
    const bundle = async (closeIt: boolean) => {
      const out = await build({
        stdin: { contents: driver(closeIt), resolveDir: ROOT, loader: "ts", sourcefile: "driver.ts" },
        bundle: true,
        write: false,
        format: "esm",
        platform: "node",
        packages: "external",
        logLevel: "silent",
      });
      return out.outputFiles[0].text;
    };
    // Runs a script; kills it `graceMs` after it printed "evaluated" (or after 10 s).
    const run = (code: string, graceMs: number) =>
      new Promise<{ code: number | null; killed: boolean; out: string }>((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module"], { cwd: join(ROOT, "dist"), stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        let killed = false;
        const kill = () => {
          killed = true;
          child.kill("SIGKILL");
        };
        let timer = setTimeout(kill, 10_000);
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("evaluated")) {
            clearTimeout(timer);
            timer = setTimeout(kill, graceMs);
          }
        });
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve({ code, killed, out });
        });
        child.stdin.end(code);
      });
    const [closing, open] = await Promise.all([bundle(true), bundle(false)]);
    const [a, b] = await Promise.all([run(closing, 5000), run(open, 1500)]);
    expect(a.out).toContain("evaluated 3");
    expect(a.killed, a.out).toBe(false);
    expect(a.code, a.out).toBe(0);
    // The control: without close() the live worker threads keep the process running.
    expect(b.out).toContain("evaluated 3");
    expect(b.killed).toBe(true);
  });
});
