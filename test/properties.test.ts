// Material properties (src/properties) for Cu_u3.eam against Foiles, Baskes & Daw, Phys. Rev. B 33,
// 7983 (1986), the paper whose Cu functions the file tabulates; internal consistency (EOS vs elastic
// constants, strain and size convergence, slab geometry); LAMMPS single points on our relaxed
// structures when lmp is installed; the radial distribution function; the CLI.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EamCalculator } from "../src/engine/calculator.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import { CellFilter, lbfgs } from "../src/optimize/index.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import {
  birchMurnaghanEnergy, elasticConstants, equationOfState, fitBirchMurnaghan, latticeConstant,
  radialDistribution, surfaceEnergy, vacancyFormationEnergy,
} from "../src/properties/index.js";
import { bulk, rocksalt } from "../src/structures/lattice.js";
import { layerSpacing, surfaceSlab } from "../src/structures/slab.js";
import { removeAtoms, supercell } from "../src/structures/supercell.js";
import { findLammps } from "../bench/lammps.js";
import { runLammpsPoint } from "./helpers/lammps-run.js";

// Each case takes well under 5 s alone, but the suite runs beside other processes on 2 cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * Foiles, Baskes & Daw (FBD), Phys. Rev. B 33, 7983 (1986), Cu ("universal 3" functions, the ones
 * potentials/Cu_u3.eam tabulates). Lattice constant, sublimation energy and bulk modulus were fitted
 * (so they are reproduced exactly up to the tables' rounding); C11, C12, C44 are the values the
 * paper computed with its functions (experiment: 1.70, 1.225, 0.758 Mbar); the vacancy formation
 * energy is the relaxed one (fitted to experiment, 1.28 eV); the surface energies are the paper's
 * computed values for the three low-index faces, erg/cm^2 (= mJ/m^2). The vacancy and surface numbers
 * are quoted from the paper's tables as recalled; they could not be checked against the text with the
 * tools this was written with (see docs/properties.md).
 */
const FBD = {
  a0: 3.615, // A
  ec: 3.54, // eV
  bulkModulus: 1.38, // Mbar
  c11: 1.67, c12: 1.24, c44: 0.76, // Mbar
  vacancyRelaxed: 1.28, // eV
  surface: { "100": 1280, "110": 1400, "111": 1170 }, // erg/cm^2
};
const MBAR_IN_GPA = 100;

let cu: EamCalculator;
let a0 = 0;
beforeAll(async () => {
  cu = await EamCalculator.create(readEamPotentialFile("potentials/Cu_u3.eam"));
  a0 = latticeConstant(cu, "Cu", "fcc", 3.6).a0;
});

describe("Cu_u3 against Foiles, Baskes & Daw (1986)", () => {
  it("lattice constant 3.615 A and cohesive energy 3.54 eV (fitted: equal to the tables' last digit)", () => {
    const r = latticeConstant(cu, "Cu", "fcc", 3.5);
    expect(Math.abs(r.a0 - FBD.a0)).toBeLessThan(5e-4);
    expect(Math.abs(r.cohesiveEnergy - FBD.ec)).toBeLessThan(5e-3);
    // Tighter than the paper's rounding: the file is a tabulation of exactly these fitted values.
    expect(r.a0).toBeCloseTo(3.615, 6);
    expect(r.cohesiveEnergy).toBeCloseTo(3.54, 6);
    expect(Math.abs(r.pressureGPa)).toBeLessThan(1e-4);
  });

  it("bulk modulus 1.38 Mbar from the Birch-Murnaghan fit and from (C11 + 2 C12)/3", () => {
    const eos = equationOfState(cu, bulk("Cu", "fcc", a0, 1), { strain: 0.02, points: 9, latticeConstant: a0 });
    // Half a unit of the table's last digit (0.005 Mbar) plus the finite strain range of the
    // fit (B0 from +-2 % differs from the small-strain limit by ~0.2 %).
    expect(Math.abs(eos.b0GPa / MBAR_IN_GPA - FBD.bulkModulus)).toBeLessThan(0.005 + 0.003 * FBD.bulkModulus);
    expect(Math.abs(eos.a0! - FBD.a0)).toBeLessThan(5e-4);
    expect(Math.abs(eos.cohesiveEnergy - FBD.ec)).toBeLessThan(5e-3);
    const el = elasticConstants(cu, bulk("Cu", "fcc", a0, 1));
    expect(Math.abs(el.cubic.bulkModulus / MBAR_IN_GPA - FBD.bulkModulus)).toBeLessThan(0.005 + 0.002 * FBD.bulkModulus);
    // The two routes to B agree with each other much better than with the rounded table.
    expect(Math.abs(eos.b0GPa / el.cubic.bulkModulus - 1)).toBeLessThan(3e-3);
  });

  it("C11 = 1.67, C12 = 1.24, C44 = 0.76 Mbar", () => {
    const el = elasticConstants(cu, bulk("Cu", "fcc", a0, 1));
    // Rounding of the table (0.005 Mbar) plus 0.2 % for the finite strain and the LAMMPS regridding
    // of the 1986 functions (Cu_u3.eam holds them on a 500-point grid).
    const tol = (ref: number) => 0.005 + 0.002 * ref;
    expect(Math.abs(el.cubic.c11 / MBAR_IN_GPA - FBD.c11)).toBeLessThan(tol(FBD.c11));
    expect(Math.abs(el.cubic.c12 / MBAR_IN_GPA - FBD.c12)).toBeLessThan(tol(FBD.c12));
    expect(Math.abs(el.cubic.c44 / MBAR_IN_GPA - FBD.c44)).toBeLessThan(tol(FBD.c44));
  });

  it("relaxed vacancy formation energy 1.28 eV (4x4x4 cell, 255 atoms)", () => {
    const v = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 4));
    expect(v.relaxation!.converged).toBe(true);
    // Rounding (0.005 eV) plus the cell-size dependence (108 -> 500 sites changes E_f by 2 meV) and
    // whatever cell the 1986 calculation used: 1 %.
    expect(Math.abs(v.relaxed - FBD.vacancyRelaxed)).toBeLessThan(0.01 * FBD.vacancyRelaxed);
    // Relaxation lowers the formation energy by a few percent in EAM Cu.
    expect(v.unrelaxed - v.relaxed).toBeGreaterThan(0.02);
    expect(v.unrelaxed - v.relaxed).toBeLessThan(0.06);
  });

  it("surface energies of (100), (110), (111): 1280, 1400, 1170 erg/cm^2", () => {
    for (const m of ["100", "110", "111"] as const) {
      const s = surfaceEnergy(cu, "Cu", "fcc", a0, m, { layers: 12 });
      expect(s.relaxation!.converged).toBe(true);
      // FBD's three significant figures (+-0.4 %) and the regridded tabulation: 2 %.
      expect(Math.abs(s.relaxedJm2 * 1000 / FBD.surface[m] - 1)).toBeLessThan(0.02);
      expect(s.relaxed).toBeLessThan(s.unrelaxed);
    }
  });
});

describe("internal consistency", () => {
  it("the Birch-Murnaghan fit recovers the parameters of exact BM3 data", () => {
    const p = { v0: 16.3, e0: -4.2, b0: 0.71, b0Prime: 4.7 };
    const vols = Array.from({ length: 9 }, (_, k) => p.v0 * (0.9 + 0.025 * k));
    const fit = fitBirchMurnaghan(vols, vols.map((v) => birchMurnaghanEnergy(p, v)));
    expect(fit.v0).toBeCloseTo(p.v0, 9);
    expect(fit.e0).toBeCloseTo(p.e0, 10);
    expect(fit.b0).toBeCloseTo(p.b0, 8);
    expect(fit.b0Prime).toBeCloseTo(p.b0Prime, 6);
    expect(fit.rms).toBeLessThan(1e-12);
    expect(() => fitBirchMurnaghan(vols.slice(0, 4), vols.slice(0, 4))).toThrow(/at least 5/);
  });

  it("EOS per atom and elastic constants are the same for a supercell", () => {
    const one = equationOfState(cu, bulk("Cu", "fcc", a0, 1));
    const two = equationOfState(cu, bulk("Cu", "fcc", a0, 2));
    expect(two.e0PerAtom).toBeCloseTo(one.e0PerAtom, 10);
    expect(two.v0PerAtom).toBeCloseTo(one.v0PerAtom, 9);
    expect(two.b0GPa).toBeCloseTo(one.b0GPa, 6);
    const c1 = elasticConstants(cu, bulk("Cu", "fcc", a0, 1)).c;
    const c2 = elasticConstants(cu, bulk("Cu", "fcc", a0, 2)).c;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(c2[i][j]).toBeCloseTo(c1[i][j], 6);
  });

  it("elastic constants: symmetric, cubic pattern, converged in the strain", () => {
    const a = elasticConstants(cu, bulk("Cu", "fcc", a0, 1), { strain: 0.005 });
    const b = elasticConstants(cu, bulk("Cu", "fcc", a0, 1), { strain: 0.0025 });
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        expect(Math.abs(a.raw[i][j] - a.raw[j][i])).toBeLessThan(1e-3);
        if ((i < 3) !== (j < 3) || (i >= 3 && i !== j)) expect(Math.abs(a.c[i][j])).toBeLessThan(1e-3);
      }
    }
    // Central differences err by O(eps^2): halving eps changes C by far less than 0.1 %.
    for (const k of ["c11", "c12", "c44"] as const) expect(Math.abs(a.cubic[k] / b.cubic[k] - 1)).toBeLessThan(1e-3);
    for (const s of a.stress0) expect(Math.abs(s)).toBeLessThan(1e-8);
  });

  it("internal relaxation lowers the elastic constants of hcp Cu (clamped - relaxed is positive semidefinite)", () => {
    const ah = a0 / Math.SQRT2, ch = ah * Math.sqrt(8 / 3);
    const hcp = new Atoms({
      symbols: ["Cu", "Cu"],
      positions: [0, 0, 0, ah / 2, (ah * Math.sqrt(3)) / 6, ch / 2],
      cell: [ah, 0, 0, -ah / 2, (ah * Math.sqrt(3)) / 2, 0, 0, 0, ch],
      pbc: [true, true, true],
    });
    const r = lbfgs(new CellFilter(hcp, cu), { fmax: 1e-6, smax: 1e-9, steps: 500 });
    expect(r.converged).toBe(true);
    const relaxed = elasticConstants(cu, hcp, { relax: true, relaxOptions: { fmax: 1e-7, optimizer: "lbfgs" } }).c;
    const clamped = elasticConstants(cu, hcp, { relax: false }).c;
    const d = clamped.map((row, i) => row.map((x, j) => x - relaxed[i][j]));
    // Positive semidefinite to the finite-difference noise (~0.005 GPa per entry): the relaxation
    // energy is a non-negative quadratic form in the strain.
    expect(symmetricEigenvalues([[2, 1, 0], [1, 2, 0], [0, 0, -1]]).sort((x, y) => x - y).map((x) => +x.toFixed(12))).toEqual([-1, 1, 3]);
    expect(Math.min(...symmetricEigenvalues(d))).toBeGreaterThan(-0.02);
    // The hcp basis relaxes under in-plane shear only, keeping the hexagonal relation
    // C66 = (C11 - C12)/2: the softening is dC11 = -dC12 = dC66 (17.4 GPa here).
    expect(d[0][0]).toBeGreaterThan(1);
    expect(Math.abs(d[0][1] + d[0][0])).toBeLessThan(0.02);
    expect(Math.abs(d[5][5] - d[0][0])).toBeLessThan(0.02);
    expect(Math.abs(d[2][2])).toBeLessThan(0.02);
  });

  it("a vacancy's formation energy converges with the cell size", () => {
    const e3 = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 3));
    const e4 = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 4));
    // Unrelaxed: only neighbours within the cutoff change, so the value is size-independent.
    expect(e4.unrelaxed).toBeCloseTo(e3.unrelaxed, 9);
    expect(Math.abs(e4.relaxed - e3.relaxed)).toBeLessThan(0.005);
  });

  it("slabs: layer counts and spacings, and bulk-terminated: a periodic stack of layers has the bulk energy", () => {
    const ebulk = cu.calculate(bulk("Cu", "fcc", a0, 1)).energy / 4;
    const perLayer = { "100": 2, "110": 1, "111": 2 } as const;
    for (const m of ["100", "110", "111"] as const) {
      const s = surfaceSlab("Cu", "fcc", a0, m, 6, { vacuum: 0, periodicZ: true });
      expect(s.length).toBe(6 * perLayer[m]);
      const zs = [...new Set(Array.from({ length: s.length }, (_, i) => +s.positions[3 * i + 2].toFixed(8)))].sort((x, y) => x - y);
      expect(zs).toHaveLength(6);
      for (let k = 1; k < 6; k++) expect(zs[k] - zs[k - 1]).toBeCloseTo(layerSpacing("fcc", m, a0), 7);
      // Six layers is a whole number of stacking periods (2 for (100), (110); 3 for (111)).
      const r = cu.calculate(s);
      expect(r.energy / s.length).toBeCloseTo(ebulk, 10);
      for (const f of r.forces) expect(Math.abs(f)).toBeLessThan(1e-10);
    }
    const b = surfaceSlab("Fe", "bcc", 2.855, "111", 6, { vacuum: 0, periodicZ: true });
    expect(b.length).toBe(12);
    expect(b.info.area).toBeCloseTo(2.855 ** 2 * Math.sqrt(12), 10);
  });

  it("supercell of a sheared cell: k times the atoms, the same energy per atom, arrays copied", () => {
    const base = bulk("Cu", "fcc", a0, 1);
    base.cell[3] = 0.4; // shear b along x; positions stay inside, the crystal is just strained
    base.arrays.tag = { kind: "I", ncols: 1, data: Int32Array.of(1, 2, 3, 4) };
    const big = supercell(base, [2, 1, 3]);
    expect(big.length).toBe(24);
    expect(Array.from(big.arrays.tag.data as Int32Array).slice(0, 8)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(big.volume()).toBeCloseTo(6 * base.volume(), 9);
    expect(cu.calculate(big).energy / 24).toBeCloseTo(cu.calculate(base).energy / 4, 10);
    const slab = surfaceSlab("Cu", "fcc", a0, "111", 8, { repeat: [2, 3] });
    expect(slab.length).toBe(6 * 16);
    expect(surfaceEnergy(cu, "Cu", "fcc", a0, "111", { layers: 8, repeat: [2, 3], relax: false }).unrelaxed)
      .toBeCloseTo(surfaceEnergy(cu, "Cu", "fcc", a0, "111", { layers: 8, relax: false }).unrelaxed, 12);
    expect(() => supercell(slab, [1, 1, 2])).toThrow(/not periodic/);
  });

  it("surface energies: unrelaxed independent of thickness, (111) < (100) < (110)", () => {
    const g: Record<string, number> = {};
    for (const m of ["100", "110", "111"] as const) {
      const thin = surfaceEnergy(cu, "Cu", "fcc", a0, m, { layers: 8, relax: false });
      const thick = surfaceEnergy(cu, "Cu", "fcc", a0, m, { layers: 14, relax: false });
      expect(thick.unrelaxed).toBeCloseTo(thin.unrelaxed, 12);
      g[m] = thin.unrelaxedJm2;
    }
    expect(g["111"]).toBeLessThan(g["100"]);
    expect(g["100"]).toBeLessThan(g["110"]);
  });
});

describe("radial distribution function", () => {
  it("fcc Cu: first peak at a/sqrt2 with 12 neighbours, then 6 at a and 24 at a sqrt(3/2)", () => {
    const r = radialDistribution(bulk("Cu", "fcc", 3.615, 3), { rmax: 5, bins: 500 });
    const n = r.total.coordination;
    const at = (x: number) => Math.floor(x / 0.01);
    const peak = r.total.g.indexOf(Math.max(...r.total.g));
    expect(r.r[peak]).toBeCloseTo(3.615 / Math.SQRT2, 2);
    expect(n[at(3.615 / Math.SQRT2) - 2]).toBe(0);
    expect(n[at(3.615 / Math.SQRT2) + 2]).toBe(12);
    expect(n[at(3.615) + 2]).toBe(18);
    expect(n[at(3.615 * Math.sqrt(1.5)) + 2]).toBe(42);
    // Normalization: rho' sum g 4/3 pi (r_hi^3 - r_lo^3), rho' = (N - 1)/V, over the first shell
    // gives its 12 atoms.
    const rho = (108 - 1) / (3 * 3.615) ** 3;
    let count = 0;
    for (let k = 0; k <= at(3.0); k++) count += rho * r.total.g[k] * (4 / 3) * Math.PI * (r.edges[k + 1] ** 3 - r.edges[k] ** 3);
    expect(count).toBeCloseTo(12, 9);
  });

  it("a one-cell crystal gives the same g(r) as a supercell (periodic images beyond the cell)", () => {
    const one = radialDistribution(bulk("Cu", "fcc", 3.615, 1), { rmax: 7, bins: 70 });
    const big = radialDistribution(bulk("Cu", "fcc", 3.615, 4), { rmax: 7, bins: 70 });
    for (let k = 0; k < 70; k++) expect(one.total.coordination[k]).toBeCloseTo(big.total.coordination[k], 9);
  });

  it("a random (ideal-gas) configuration has g -> 1, and partials of a random mixture too", () => {
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const L = 24, n = 1200;
    const frames = [0, 1, 2].map(() => new Atoms({
      symbols: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "Ni" : "Cu")),
      positions: Array.from({ length: 3 * n }, () => rand() * L),
      cell: [L, 0, 0, 0, L, 0, 0, 0, L],
      pbc: [true, true, true],
    }));
    const r = radialDistribution(frames, { rmax: 8, bins: 16 });
    expect(r.frames).toBe(3);
    // Each bin of the total holds ~n/2 * rho * shell ~ 1e4 pairs or more beyond 2 A: relative noise
    // < 1 %, so 5 % is a > 5 sigma bound; the mean over bins is tighter.
    const mean = (g: Float64Array) => g.slice(4).reduce((a, b) => a + b, 0) / (g.length - 4);
    for (let k = 4; k < 16; k++) expect(Math.abs(r.total.g[k] - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(r.total.g) - 1)).toBeLessThan(0.01);
    expect(r.partials.map((p) => `${p.a}-${p.b}`)).toEqual(["Cu-Cu", "Cu-Ni", "Ni-Ni"]);
    for (const p of r.partials) expect(Math.abs(mean(p.g) - 1)).toBeLessThan(0.03);
  });

  it("rocksalt partials: Na-Cl first shell of 6 at a/2, Na-Na 12 at a/sqrt2", () => {
    const r = radialDistribution(rocksalt("Na", "Cl", 5.64, 2), { rmax: 4.5, bins: 450 });
    const nacl = r.partials.find((p) => p.a === "Cl" && p.b === "Na")!;
    const nana = r.partials.find((p) => p.a === "Na" && p.b === "Na")!;
    expect(nacl.coordination[Math.floor(2.82 / 0.01) + 2]).toBe(6);
    expect(nana.coordination[Math.floor(2.82 / 0.01) + 2]).toBe(0);
    expect(nana.coordination[Math.floor(3.99 / 0.01) + 2]).toBe(12);
  });

  it("needs periodic frames", () => {
    const cluster = new Atoms({ symbols: ["Cu", "Cu"], positions: [0, 0, 0, 0, 0, 2.5] });
    expect(() => radialDistribution(cluster)).toThrow(/periodic/);
  });
});

// ------------------------------------------------------------------------------------------------
const lmp = findLammps();
describe.runIf(lmp !== null)("LAMMPS energies of our relaxed structures (lmp installed)", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ect-props-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("vacancy: LAMMPS gives the same E(N), E(N-1) relaxed and unrelaxed, hence E_f, to 1e-8 eV", async () => {
    const perfect = bulk("Cu", "fcc", a0, 3);
    const v = vacancyFormationEnergy(cu, perfect, { relaxOptions: { fmax: 1e-4 } });
    const run = (name: string, atoms: Atoms) => runLammpsPoint({ name, lmp: lmp!, dir, atoms, potentialPath: "potentials/Cu_u3.eam", pairStyle: "eam" });
    const defect0 = removeAtoms(perfect, [0]);
    const [eN, eU, eR] = [(await run("perfect", perfect)).pe, (await run("unrelaxed", defect0)).pe, (await run("relaxed", v.structure)).pe];
    expect(Math.abs(eN - v.bulkEnergy)).toBeLessThan(1e-8);
    expect(Math.abs(eU - v.defectEnergyUnrelaxed)).toBeLessThan(1e-8);
    expect(Math.abs(eR - v.defectEnergyRelaxed)).toBeLessThan(1e-8);
    expect(Math.abs(eR - (107 / 108) * eN - v.relaxed)).toBeLessThan(1e-8);
  });

  it("surface: LAMMPS (boundary p p f) gives the relaxed (111) slab's energy to 1e-8 eV", async () => {
    const s = surfaceEnergy(cu, "Cu", "fcc", a0, "111", { layers: 8 });
    const ref = await runLammpsPoint({ name: "slab111", lmp: lmp!, dir, atoms: s.structure, potentialPath: "potentials/Cu_u3.eam", pairStyle: "eam" });
    expect(Math.abs(ref.pe - s.slabEnergyRelaxed)).toBeLessThan(1e-8);
  });
});

// ------------------------------------------------------------------------------------------------
describe("command line (dist/cli.js)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ect-props-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) => execFileSync("node", ["dist/cli.js", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const value = (out: string, key: string) => Number(new RegExp(`^${key} = (\\S+)`, "m").exec(out)![1]);
  const POT = ["--potential", "potentials/Cu_u3.eam"];

  it("property eos prints B0 and a0 and writes CSV and SVG", () => {
    const csv = join(dir, "eos.csv"), svg = join(dir, "eos.svg");
    const out = cli("property", "eos", ...POT, "--lattice", "fcc", "--a", "3.615", "--strain", "0.02", "--points", "7", "--csv", csv, "--plot", svg);
    expect(value(out, "a0")).toBeCloseTo(3.615, 4);
    expect(value(out, "B0") / 100).toBeCloseTo(1.38, 2);
    expect(readFileSync(csv, "utf8").trim().split("\n")).toHaveLength(8);
    expect(readFileSync(svg, "utf8").startsWith("<svg")).toBe(true);
  });

  it("property vacancy and elastic print the same numbers as the API", () => {
    const out = cli("property", "vacancy", ...POT, "--lattice", "fcc", "--a", "3.6", "--repeat", "3");
    const api = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 3));
    expect(value(out, "vacancy formation energy, unrelaxed")).toBeCloseTo(api.unrelaxed, 5);
    expect(value(out, "vacancy formation energy, relaxed")).toBeCloseTo(api.relaxed, 5);
    const el = cli("property", "elastic", ...POT, "--lattice", "fcc", "--a", "3.6");
    expect(value(el, "C44") / 100).toBeCloseTo(FBD.c44, 2);
  });

  it("relax --cell writes the relaxed structure; property rdf reads it", () => {
    const xyz = join(dir, "relaxed.xyz");
    const out = cli("relax", ...POT, "--lattice", "fcc", "--a", "3.5", "--repeat", "2", "--cell", "--optimizer", "lbfgs", "--fmax", "1e-4", "--smax", "0.1", "--output", xyz, "--print-every", "0");
    expect(out).toMatch(/# converged after \d+ steps/);
    const [frame] = parseExtxyz(readFileSync(xyz, "utf8"));
    expect(frame.cell[0] / 2).toBeCloseTo(3.615, 4);
    expect(frame.info.energy as number).toBeCloseTo(-3.54 * 32, 5);
    const rdf = cli("property", "rdf", "--input", xyz, "--rmax", "3", "--bins", "30");
    const rows = rdf.trim().split("\n").filter((l) => !l.startsWith("#")).slice(1).map((l) => l.split(",").map(Number));
    expect(rows[rows.length - 1][2]).toBeCloseTo(12, 9);
  });

  it("reports bad input in one line with exit status 2", () => {
    let err: { status?: number; stderr?: string } = {};
    try {
      cli("relax", ...POT, "--lattice", "fcc", "--a", "3.6", "--pressure", "10");
    } catch (e) {
      err = e as { status: number; stderr: string };
    }
    expect(err.status).toBe(2);
    expect(err.stderr).toMatch(/--pressure needs --cell/);
  });
});

/** Eigenvalues of a small symmetric matrix (cyclic Jacobi rotations). */
function symmetricEigenvalues(m: number[][]): number[] {
  const a = m.map((row, i) => row.map((x, j) => (x + m[j][i]) / 2));
  const n = a.length;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]);
}
