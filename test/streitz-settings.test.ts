// The one check of Streitz-Mintmire settings (src/streitz/settings.ts) that StreitzCalculator.create
// and createDomainMd both use: its defaults are LAMMPS examples/streitz's, and every out-of-range
// value is refused with one line naming it, the same line on both paths.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { resolveStreitz } from "../src/domain/streitz-options.js";
import { InputError } from "../src/errors.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { StreitzCalculator } from "../src/streitz/calculator.js";
import { parseStreitz } from "../src/streitz/params.js";
import { resolveStreitzSettings, STREITZ_DEFAULTS, type StreitzSettingsInput } from "../src/streitz/settings.js";

const ROOT = join(import.meta.dirname, "..");
const text = (f: string) => readFileSync(join(ROOT, "potentials", f), "utf8");

const bad: [string, Partial<StreitzSettingsInput>, string][] = [
  ["summation", { summation: "pppm" as "wolf" }, `summation must be "wolf" or "ewald", got pppm`],
  ["mode", { mode: "exact" as "lammps" }, `mode must be "lammps" or "consistent", got exact`],
  ["coulCutoff", { coulCutoff: 0 }, "coulCutoff must be > 0 A, got 0"],
  ["coulCutoff (NaN)", { coulCutoff: NaN }, "coulCutoff must be > 0 A, got NaN"],
  ["wolfAlpha", { wolfAlpha: -0.1 }, "wolfAlpha must be >= 0 1/A, got -0.1"],
  ["qeqCutoff", { qeqCutoff: -2 }, "qeqCutoff must be > 0 A, got -2"],
  ["qeqAlpha", { qeqAlpha: Infinity }, "qeqAlpha must be >= 0 1/A, got Infinity"],
  ["qeqTolerance", { qeqTolerance: 0 }, "qeqTolerance must be > 0, got 0"],
  ["qeqMaxIter", { qeqMaxIter: 2.5 }, "qeqMaxIter must be a positive integer, got 2.5"],
  ["ewaldAccuracy", { ewaldAccuracy: -1e-6 }, "ewaldAccuracy must be > 0, got -0.000001"],
  ["ewaldG", { ewaldG: 0 }, "ewaldG must be > 0 1/A, got 0"],
  ["tableSpacing", { tableSpacing: 0 }, "tableSpacing must be > 0 A, got 0"],
  ["kmax", { kmax: [4, 0, 4] }, "kmax must be three positive integers, got 4 0 4"],
  ["kmax (length)", { kmax: [4, 4] as unknown as [number, number, number] }, "kmax must be three positive integers, got 4 4"],
  ["consistent mode with qeqAlpha", { mode: "consistent", qeqAlpha: 0.2 }, "consistent mode solves the charges with the energy's own alpha and cutoff: qeqAlpha and qeqCutoff do not apply"],
  ["qeqXl.order", { qeqXl: { order: 3 as 4 } }, "qeqXl.order must be 4..7, got 3"],
  ["qeqXl.loops", { qeqXl: { loops: 0 } }, "qeqXl.loops must be a positive integer, got 0"],
];

describe("resolveStreitzSettings", () => {
  it("fills in LAMMPS examples/streitz's values where a setting is absent", () => {
    expect(resolveStreitzSettings({ summation: "wolf" })).toEqual({
      summation: "wolf",
      mode: "lammps",
      coulCutoff: 12,
      wolfAlpha: 0.31,
      qeqCutoff: 12,
      qeqAlpha: 0.2,
      qeqTolerance: 1e-6,
      qeqMaxIter: 100,
      tableSpacing: undefined,
      ewaldAccuracy: 1e-6,
      ewaldG: undefined,
      kmax: undefined,
      qeqXl: null,
    });
    expect(STREITZ_DEFAULTS).toEqual({ coulCutoff: 12, wolfAlpha: 0.31, qeqTolerance: 1e-6, qeqMaxIter: 100, qeqAlpha: 0.2, ewaldAccuracy: 1e-6 });
  });

  it("takes the QEq cutoff from the Coulomb cutoff (always in consistent mode) and completes the XL settings", () => {
    expect(resolveStreitzSettings({ summation: "wolf", coulCutoff: 9 }).qeqCutoff).toBe(9);
    expect(resolveStreitzSettings({ summation: "wolf", coulCutoff: 9, qeqCutoff: 7 }).qeqCutoff).toBe(7);
    expect(resolveStreitzSettings({ summation: "ewald", mode: "consistent", coulCutoff: 9 }).qeqCutoff).toBe(9);
    expect(resolveStreitzSettings({ summation: "wolf", qeqXl: {} }).qeqXl).toEqual({ order: 5, loops: 4, shadow: false });
    expect(resolveStreitzSettings({ summation: "wolf", qeqXl: { shadow: true } }).qeqXl).toEqual({ order: 5, loops: 2, shadow: true });
    expect(resolveStreitzSettings({ summation: "wolf", qeqXl: { order: 7, loops: 1 } }).qeqXl).toEqual({ order: 7, loops: 1, shadow: false });
    expect(resolveStreitzSettings({ summation: "ewald", ewaldG: 0.3, kmax: [4, 5, 6] })).toMatchObject({ ewaldG: 0.3, kmax: [4, 5, 6] });
  });

  it.each(bad)("refuses a bad %s with one line", (_name, o, message) => {
    const call = () => resolveStreitzSettings({ summation: "wolf", ...o });
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
    expect(message).not.toContain("\n");
  });
});

describe("the calculator and the domain workers share the check", () => {
  const eam = { text: text("AlO.eam.alloy"), fileName: "AlO.eam.alloy" };
  const streitz = { text: text("AlO.streitz"), fileName: "AlO.streitz" };
  const atoms = new Atoms({ symbols: ["Al", "O"], positions: [0, 0, 0, 1.9, 0, 0], cell: [20, 0, 0, 0, 20, 0, 0, 0, 20], pbc: [true, true, true] });
  // The settings both paths take (the domains default to Wolf, and take Ewald's g and kmax as given, no accuracy).
  const shared = bad.filter(([name]) => !["summation", "ewaldAccuracy", "ewaldG"].includes(name) && !name.startsWith("kmax"));

  it.each(shared)("%s: the same message from StreitzCalculator.create and createDomainMd's check", async (_name, o, message) => {
    const calc = StreitzCalculator.create({ eam: parseEamPotential(eam.text, eam), streitz: parseStreitz(streitz.text, streitz.fileName), summation: "wolf", ...o });
    await expect(calc).rejects.toThrow(message);
    expect(() => resolveStreitz({ kind: "streitz", eam, streitz, ...o }, atoms.symbols, atoms.pbc)).toThrow(message);
  });

  it("the domains take the calculator's settings in force", async () => {
    const calc = await StreitzCalculator.create({ eam: parseEamPotential(eam.text, eam), streitz: parseStreitz(streitz.text, streitz.fileName), summation: "wolf", coulCutoff: 9 });
    const { spec } = resolveStreitz({ kind: "streitz", eam, streitz, coulCutoff: 9 }, atoms.symbols, atoms.pbc);
    const { ewaldAccuracy: _a, ewaldG: _g, kmax: _k, ...s } = calc.settings;
    expect(spec.settings).toEqual({ ...s, summation: "wolf", mode: "lammps", tableSpacing: undefined });
  });
});
