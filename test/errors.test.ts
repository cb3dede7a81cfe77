// Bad input gives one clear error (InputError with where and what) and nothing else: no NaN
// results, no wasm trap, and the calculator stays usable afterwards. The CLI turns such errors into
// a one-line message and exit status 2.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { CalculationFailed, InputError } from "../src/errors.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { runIn } from "./helpers/cli.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const POT = join(ROOT, "potentials");
const REF = join(ROOT, "test", "fixtures", "ref");

let tmp: string;
let cu: EamPotential;
let cuni: EamPotential;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "ect-eam-errors-"));
  cu = readEamPotentialFile(join(POT, "Cu_u3.eam"));
  cuni = readEamPotentialFile(join(POT, "CuNi.eam.alloy"));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The error `fn` throws (sync or async); fails when it throws nothing. */
async function thrown(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, but the call succeeded");
}

/** An InputError with a clear message: no wasm trap, no NaN noise, no internal wording. */
async function inputError(fn: () => unknown): Promise<InputError> {
  const e = await thrown(fn);
  if (!(e instanceof InputError)) {
    throw new Error(`expected InputError, got ${e?.constructor?.name}: ${e?.message}${e instanceof WebAssembly.RuntimeError ? " (wasm trap)" : ""}`);
  }
  expect(e.message).not.toMatch(/unreachable|RuntimeError|memory access out of bounds|undefined/);
  return e;
}

/** A calculator that hit an error must still evaluate a good structure exactly like a fresh one. */
async function expectStillUsable(calc: EamCalculator, pot: EamPotential, good: Atoms): Promise<void> {
  const fresh = await EamCalculator.create(pot, { variant: calc.engine.variant });
  const want = fresh.calculate(good);
  const got = calc.calculate(good);
  expect(Number.isFinite(got.energy)).toBe(true);
  expect(Math.abs(got.energy - want.energy), "energy after a failed call").toBeLessThanOrEqual(1e-10);
  for (let k = 0; k < want.forces.length; k++) {
    expect(Math.abs(got.forces[k] - want.forces[k]), `force ${k} after a failed call`).toBeLessThanOrEqual(1e-10);
  }
}

function cuCrystal(): Atoms {
  return bulk("Cu", "fcc", 3.6, 2);
}
function withSymbols(a: Atoms, symbols: string[]): Atoms {
  return new Atoms({ symbols, positions: a.positions, cell: a.cell, pbc: a.pbc });
}

describe("structures the potential cannot evaluate", () => {
  it("unknown species: names the atom, the species and the potential's elements", async () => {
    const calc = await EamCalculator.create(cuni);
    const base = cuCrystal();
    const symbols = base.symbols.map((s, i) => (i === 5 ? "Fe" : i % 2 ? "Ni" : s));
    const e = await inputError(() => calc.calculate(withSymbols(base, symbols)));
    expect(e.atom).toBe(5);
    expect(e.message).toMatch(/\batom 5\b/);
    expect(e.message).toContain("'Fe'");
    expect(e.message).toMatch(/Ni, Cu|Ni.*Cu/);
    expect(e.message).toContain("CuNi.eam.alloy");
    await expectStillUsable(calc, cuni, withSymbols(base, symbols.map((s) => (s === "Fe" ? "Cu" : s))));
  });

  it("NaN coordinate: names the atom (new structure and position update alike)", async () => {
    for (const variant of ["simd", "scalar"] as const) {
      const calc = await EamCalculator.create(cu, { variant });
      const good = cuCrystal();
      const bad = good.copy();
      bad.positions[3 * 7 + 1] = NaN;
      // first call: a new system
      let e = await inputError(() => calc.calculate(bad));
      expect(e.atom).toBe(7);
      expect(e.message).toMatch(/\batom 7\b/);
      expect(e.message).toMatch(/NaN|non-finite/);
      // same system, only positions change (the calculator keeps its list): still caught
      calc.calculate(good);
      e = await inputError(() => calc.calculate(bad));
      expect(e.message).toMatch(/\batom 7\b/);
      const inf = good.copy();
      inf.positions[3 * 3 + 2] = Infinity;
      e = await inputError(() => calc.calculate(inf));
      expect(e.message).toMatch(/\batom 3\b/);
      await expectStillUsable(calc, cu, good);
    }
  });

  it("degenerate cell: two parallel periodic vectors", async () => {
    const calc = await EamCalculator.create(cu);
    const a = cuCrystal();
    a.cell.set([2 * a.cell[0], 0, 0], 3); // b parallel to a
    const e = await inputError(() => calc.calculate(a));
    expect(e.message).toMatch(/degenerate/i);
    await expectStillUsable(calc, cu, cuCrystal());
  });

  it("degenerate cell: zero-length periodic vector", async () => {
    const calc = await EamCalculator.create(cu);
    const a = cuCrystal();
    a.cell.set([0, 0, 0], 6);
    const e = await inputError(() => calc.calculate(a));
    expect(e.message).toMatch(/degenerate|cell vector c|vector c/i);
    // a zero vector along an open direction is fine: that is an ordinary cluster
    const cluster = a.copy();
    cluster.pbc = [false, false, false];
    expect(Number.isFinite(calc.calculate(cluster).energy)).toBe(true);
    await expectStillUsable(calc, cu, cuCrystal());
  });

  it("two atoms on top of each other: names both atoms (no NaN, no wasm trap)", async () => {
    for (const variant of ["simd", "scalar"] as const) {
      const calc = await EamCalculator.create(cu, { variant });
      const cases: [string, Atoms, number][] = [];
      const a = cuCrystal();
      a.positions.set(a.positions.subarray(3 * 3, 3 * 3 + 3), 3 * 12); // atom 12 onto atom 3
      cases.push(["periodic", a, 3]);
      const img = cuCrystal();
      img.positions.set([img.cell[0], img.cell[4], 0], 3 * 12); // atom 12 onto the image of atom 0
      cases.push(["periodic image", img, 0]);
      const cl = cuCrystal();
      cl.pbc = [false, false, false];
      cl.positions.set(cl.positions.subarray(3 * 20, 3 * 20 + 3), 3 * 9); // atom 9 onto atom 20
      cases.push(["cluster", cl, 20]);
      for (const [label, atoms, other] of cases) {
        const moved = label === "cluster" ? 9 : 12;
        const e = await inputError(() => calc.calculate(atoms));
        expect(e.message, `${variant} ${label}`).toMatch(new RegExp(`\\b${Math.min(moved, other)}\\b`));
        expect(e.message, `${variant} ${label}`).toMatch(new RegExp(`\\b${Math.max(moved, other)}\\b`));
        expect(e.message, `${variant} ${label}`).not.toMatch(/\bNaN\b/);
        await expectStillUsable(calc, cu, cuCrystal());
      }
    }
  });

  it("errors are typed: InputError for input, not CalculationFailed", () => {
    expect(new InputError("x", { file: "f", line: 3 }).message).toBe("f:3: x");
    expect(new CalculationFailed("y")).toBeInstanceOf(Error);
    expect(new CalculationFailed("y")).not.toBeInstanceOf(InputError);
  });
});

describe("malformed files", () => {
  it("a truncated potential file names the file and the line", async () => {
    for (const [name, keep] of [
      ["Cu_u3.eam", 100],
      ["Cu_u3.eam", 2],
      ["CuNi.eam.alloy", 300],
      ["AlFe_mm.eam.fs", 7],
    ] as const) {
      const lines = readFileSync(join(POT, name), "utf8").split("\n");
      const path = join(tmp, `truncated-${keep}-${name}`);
      writeFileSync(path, lines.slice(0, keep).join("\n") + "\n");
      const e = await inputError(() => readEamPotentialFile(path));
      expect(e.file, `${name} cut after ${keep} lines`).toBe(path);
      expect(e.line, `${name} cut after ${keep} lines`).toBeGreaterThanOrEqual(1);
      expect(e.line!).toBeLessThanOrEqual(keep + 1);
      expect(e.message).toContain(`${path}:${e.line}`);
    }
  });

  it("a missing potential file is an InputError naming it", async () => {
    const path = join(tmp, "no-such.eam");
    const e = await inputError(() => readEamPotentialFile(path));
    expect(e.message).toContain(path);
  });

  it("malformed extended XYZ gives the line number", async () => {
    const header = 'Lattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T T"';
    for (const [label, text, line] of [
      ["short atom line", `3\n${header}\nCu 0 0 0\nCu 1 1\nCu 2 2 2\n`, 4],
      ["non-number coordinate", `3\n${header}\nCu 0 0 0\nCu 1 1 1\nCu 2 x 2\n`, 5],
      ["bad atom count", `three\n${header}\nCu 0 0 0\n`, 1],
      ["bad Lattice", `1\nLattice="5 0 0 0 5 0 0 5" Properties=species:S:1:pos:R:3\nCu 0 0 0\n`, 2],
      ["second frame broken", `1\n${header}\nCu 0 0 0\n1\n${header}\nCu 0 0\n`, 6],
    ] as const) {
      const path = join(tmp, `bad-${label.replace(/\s+/g, "-")}.extxyz`);
      writeFileSync(path, text);
      const e = await inputError(() => readExtxyzFile(path));
      expect(e.line, label).toBe(line);
      expect(e.message, label).toContain(`${path}:${line}`);
      // the string parser gives the same line
      const e2 = await inputError(() => parseExtxyz(text, "x.xyz"));
      expect(e2.line, label).toBe(line);
    }
    // a frame that declares more atoms than the file has
    const e = await inputError(() => parseExtxyz(`4\n${header}\nCu 0 0 0\nCu 1 1 1\n`, "t.xyz"));
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.message).toMatch(/t\.xyz:\d+/);
  });
});

describe("command line", () => {
  let cli: string;

  // Bundle the CLI from the current sources with the same esbuild options as scripts/build.mjs,
  // into a private temporary folder (with the wasm kernels next to it and node_modules linked), so
  // the test neither depends on nor rewrites dist/ while other builds may run.
  beforeAll(async () => {
    const dir = join(tmp, "cli");
    await build({
      entryPoints: [join(ROOT, "src", "cli", "main.ts")],
      outfile: join(dir, "cli.js"),
      bundle: true,
      format: "esm",
      target: "es2022",
      platform: "node",
      packages: "external",
      logLevel: "silent",
    });
    writeFileSync(join(dir, "package.json"), '{"type": "module"}\n');
    for (const v of ["simd", "scalar"]) {
      const wasm = join(ROOT, "dist", `eam.${v}.wasm`);
      if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run npx asc assembly/index.ts --target ${v}`);
      copyFileSync(wasm, join(dir, `eam.${v}.wasm`));
    }
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    cli = join(dir, "cli.js");
  }, 30000);

  function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: ROOT, encoding: "utf8", timeout: 20000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  // The other commands in this process (test/helpers/cli.ts): the same command line without a program start.
  const inProcess = (args: string[]) => runIn(...args);

  function expectOneLineError(r: { status: number | null; stderr: string }, mentions: string): void {
    expect(r.status, `exit status; stderr: ${r.stderr}`).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, `stderr should be one line: ${r.stderr}`).toHaveLength(1);
    expect(lines[0]).toContain(mentions);
    expect(r.stderr).not.toMatch(/\n\s+at |Error: |node:internal/);
  }

  it("a missing input file: exit 2, one line on stderr, no stack trace", () => {
    const missing = join(tmp, "does-not-exist.extxyz");
    const r = run(["eval", "--potential", join(POT, "Cu_u3.eam"), "--input", missing, "--output", join(tmp, "never.extxyz")]);
    expectOneLineError(r, "does-not-exist.extxyz");
    expect(existsSync(join(tmp, "never.extxyz"))).toBe(false);
  });

  it("an unknown --style: exit 2, one line naming the flag", async () => {
    const r = await inProcess([
      "eval", "--potential", join(POT, "Cu_u3.eam"), "--style", "eam/bogus",
      "--input", join(REF, "cu_u3_rattled_3x3x3.extxyz"), "--output", join(tmp, "never2.extxyz"),
    ]);
    expectOneLineError(r, "--style");
    expect(r.stderr).toContain("eam/bogus");
  });

  it("eval on a periodic fixture writes energy, stress, virial, forces and energies", async () => {
    const input = join(REF, "cu_u3_rattled_3x3x3.extxyz");
    const out = join(tmp, "eval-periodic.extxyz");
    const r = await inProcess(["eval", "--potential", join(POT, "Cu_u3.eam"), "--input", input, "--output", out]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const header = text.split("\n")[1];
    for (const key of ["energy=", "stress=", "virial=", "forces:R:3", "energies:R:1"]) expect(header).toContain(key);
    const [got] = parseExtxyz(text, out);
    const [ref] = readExtxyzFile(input);
    expect(got.length).toBe(ref.length);
    expect(Math.abs((got.info.energy as number) - (ref.info.energy as number)) / ref.length).toBeLessThan(1e-9);
    const s = got.info.stress as number[];
    const sr = ref.info.stress as number[];
    expect(s).toHaveLength(9);
    for (let k = 0; k < 9; k++) expect(Math.abs(s[k] - sr[k]), `stress[${k}]`).toBeLessThan(1e-9);
    const w = got.info.virial as number[];
    for (let k = 0; k < 9; k++) expect(Math.abs(w[k] - (ref.info.virial as number[])[k]), `virial[${k}]`).toBeLessThan(1e-8);
    const f = got.arrays.forces.data as Float64Array;
    const fr = ref.arrays.forces.data as Float64Array;
    for (let k = 0; k < fr.length; k++) expect(Math.abs(f[k] - fr[k])).toBeLessThan(1e-8);
    const en = got.arrays.energies.data as Float64Array;
    const er = ref.arrays.energies.data as Float64Array;
    for (let k = 0; k < er.length; k++) expect(Math.abs(en[k] - er[k])).toBeLessThan(1e-9);
  });

  it("eval on the cluster fixture writes no stress", async () => {
    const input = join(REF, "cu_u3_cluster.extxyz");
    const out = join(tmp, "eval-cluster.extxyz");
    const r = await inProcess(["eval", "--potential", join(POT, "Cu_u3.eam"), "--input", input, "--output", out, "--simd", "off"]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const header = text.split("\n")[1];
    expect(header).toContain("energy=");
    expect(header).toContain("virial=");
    expect(header).not.toContain("stress=");
    expect(header).toContain("forces:R:3");
    expect(header).toContain("energies:R:1");
    const [got] = parseExtxyz(text, out);
    const [ref] = readExtxyzFile(input);
    expect(got.pbc).toEqual([false, false, false]);
    expect(got.info.stress).toBeUndefined();
    expect(Math.abs((got.info.energy as number) - (ref.info.energy as number)) / ref.length).toBeLessThan(1e-9);
  });
});
