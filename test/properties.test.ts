// Material properties (src/properties) of Cu_u3.eam: LAMMPS computing the same properties with the
// same potential file (its own minimizer, box relaxation and box strains) when lmp is installed;
// internal consistency (EOS vs elastic constants, strain and size convergence, slab geometry); the
// radial distribution function; the CLI.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import { CellFilter, lbfgs } from "../src/optimize/index.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import {
  birchMurnaghanEnergy, elasticConstants, equationOfState, fitBirchMurnaghan, latticeConstant,
  radialDistribution, surfaceEnergy, vacancyFormationEnergy,
} from "../src/properties/index.js";
import { bulk, rocksalt } from "../src/structures/lattice.js";
import { layerSpacing, surfaceSlab } from "../src/structures/slab.js";
import { supercell } from "../src/structures/supercell.js";
import { NKTV2P, runLammpsInput } from "./helpers/lammps-run.js";
import { describeWith, need } from "./helpers/tools.js";
import { cliIn, scratch } from "./helpers/cli.js";

// Each case takes well under 5 s alone, but the suite runs beside other processes on 2 cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const POTENTIAL = "potentials/Cu_u3.eam";
/** The lattice constant the file's header gives (second line: Z, mass, a0, lattice). */
const A_FILE = Number(readFileSync(POTENTIAL, "utf8").split("\n")[1].trim().split(/\s+/)[2]);
/** GPa per eV/A^3 (1.602176634e-19 J / 1e-30 m^3 / 1e9), spelled out here rather than taken from src/. */
const GPA = 160.21766208;

let cu: EamCalculator;
let a0 = 0;
beforeAll(async () => {
  cu = await EamCalculator.create(readEamPotentialFile(POTENTIAL));
  a0 = latticeConstant(cu, "Cu", "fcc", 3.6).a0;
});

/** The lines every LAMMPS script below starts with: Cu_u3 (pair_style eam), CG minimizer settings. */
const LAMMPS_HEAD = [
  "units metal", "atom_style atomic", "atom_modify map array sort 0 0.0", "boundary p p p", "box tilt large",
];
const LAMMPS_MODEL = [
  "mass 1 63.55", "pair_style eam", "pair_coeff 1 1 Cu_u3.eam", "neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes",
  "thermo_style custom step pe fmax press pxx pyy pzz pyz pxz pxy", "thermo_modify format float %.17g", "min_style cg",
];

describeWith("lmp", "Cu_u3 properties against LAMMPS computing them with the same potential file", () => {
  const { dir } = scratch("ect-props-");
  const lammps = (name: string, lines: string[]) => runLammpsInput(need("lmp"), dir, name, [...lines, ""].join("\n"), [POTENTIAL]);

  it("lattice constant (the file's 3.615 A) and cohesive energy: LAMMPS fix box/relax", async () => {
    const run = await lammps("lattice", [
      ...LAMMPS_HEAD, `lattice fcc 3.5`, "region cell block 0 1 0 1 0 1 units lattice", "create_box 1 cell", "create_atoms 1 box",
      ...LAMMPS_MODEL, "fix relax all box/relax iso 0.0", "minimize 0.0 1.0e-12 10000 100000",
      'print "REF_A0 $(lx:%.17g) $(-pe/count(all):%.17g) $(press:%.17g)"',
    ]);
    const [la0, lec, press] = run.ref("A0");
    expect(Math.abs(press)).toBeLessThan(1e-3); // bar (6e-10 eV/A^3): LAMMPS is at zero pressure
    const r = latticeConstant(cu, "Cu", "fcc", 3.5);
    // Our cell relaxation stops at |stress| < smax = 1e-7 eV/A^3, so a0 is within a smax / (3 B)
    // = 1.4e-7 A of zero pressure (B = 0.86 eV/A^3); measured 6e-8 A from LAMMPS.
    expect(Math.abs(r.a0 - la0)).toBeLessThan(2e-7);
    expect(Math.abs(r.a0 - A_FILE)).toBeLessThan(2e-7);
    // The energy is stationary at a0: off by (9 B V / 2)(da / a)^2 < 1e-13 eV per atom.
    expect(Math.abs(r.cohesiveEnergy - lec)).toBeLessThan(1e-12);
    expect(Math.abs(r.pressureGPa)).toBeLessThan(1e-4);
  });

  it("C11, C12, C44 and B: LAMMPS stresses of the box strained by +-0.005 (change_box)", async () => {
    // xx by scaling x (C11 from pxx, C12 from pyy); yz by tilting (C44 from pyz): LAMMPS' cells are
    // upper triangular, so its shear is a simple shear, ours a symmetric one (the same strain plus a
    // rotation of e/2, which changes the central difference by O(e^2)).
    const run = await lammps("elastic", [
      ...LAMMPS_HEAD, `lattice fcc ${A_FILE}`, "region cell prism 0 3 0 3 0 3 0 0 0 units lattice", "create_box 1 cell", "create_atoms 1 box",
      ...LAMMPS_MODEL, "variable e equal 0.005", "variable lx0 equal $(lx:%.17g)", "variable lz0 equal $(lz:%.17g)",
      "change_box all x final 0 $(v_lx0*(1+v_e):%.17g) remap units box", "run 0",
      "variable pxp equal $(pxx:%.17g)", "variable pyp equal $(pyy:%.17g)",
      "change_box all x final 0 $(v_lx0*(1-v_e):%.17g) remap units box", "run 0",
      "variable pxm equal $(pxx:%.17g)", "variable pym equal $(pyy:%.17g)",
      "change_box all x final 0 ${lx0} remap units box",
      "change_box all yz final $(v_e*v_lz0:%.17g) remap units box", "run 0", "variable pyzp equal $(pyz:%.17g)",
      "change_box all yz final $(-v_e*v_lz0:%.17g) remap units box", "run 0", "variable pyzm equal $(pyz:%.17g)",
      // Pressure is minus the stress; bar -> GPa.
      'print "REF_C $(-(v_pxp-v_pxm)/(2*v_e)*1e-4:%.17g) $(-(v_pyp-v_pym)/(2*v_e)*1e-4:%.17g) $(-(v_pyzp-v_pyzm)/(2*v_e)*1e-4:%.17g)"',
    ]);
    // LAMMPS turns eV/A^3 into bar with its own constant (nktv2p = 1.6021765e6, 8e-8 below CODATA):
    // compare in eV/A^3.
    const [c11, c12, c44] = run.ref("C").map((gpa) => (gpa * 1e4) / NKTV2P);
    const el = elasticConstants(cu, bulk("Cu", "fcc", A_FILE, 1), { strain: 0.005 });
    const c = el.c.map((row) => row.map((x) => x / GPA));
    // The same strains of the same crystal: C11 and C12 agree to the rounding of the stresses
    // (1e-15 eV/A^3 over 2e = 0.01).
    expect(Math.abs(c[0][0] - c11)).toBeLessThan(1e-12);
    expect(Math.abs(c[0][1] - c12)).toBeLessThan(1e-12);
    // Simple against symmetric shear: O(e^2) apart, e^2 = 2.5e-5 times third- over second-order
    // constants (~10): 3e-4 relative (measured 5e-5).
    expect(Math.abs(c[3][3] / c44 - 1)).toBeLessThan(3e-4);
    const bLammps = ((c11 + 2 * c12) / 3) * GPA;
    expect(Math.abs(el.cubic.bulkModulus / bLammps - 1)).toBeLessThan(1e-12);
    // The Birch-Murnaghan B0 from +-2 % in volume differs from the small-strain limit by ~0.2 %.
    const eos = equationOfState(cu, bulk("Cu", "fcc", a0, 1), { strain: 0.02, points: 9, latticeConstant: a0 });
    expect(Math.abs(eos.b0GPa / bLammps - 1)).toBeLessThan(3e-3);
  });

  it("vacancy formation energy, unrelaxed and relaxed, 256-site cell: LAMMPS delete_atoms + minimize", async () => {
    const run = await lammps("vacancy", [
      ...LAMMPS_HEAD, `lattice fcc ${A_FILE}`, "region cell block 0 4 0 4 0 4 units lattice", "create_box 1 cell", "create_atoms 1 box",
      ...LAMMPS_MODEL, "run 0", "variable n equal $(count(all))", "variable e0 equal $(pe:%.17g)",
      "group gone id 1", "delete_atoms group gone compress yes", "run 0", "variable eu equal $(pe:%.17g)",
      "minimize 0.0 1.0e-10 10000 100000",
      'print "REF_VACANCY ${n} $(v_eu-(v_n-1)/v_n*v_e0:%.17g) $(pe-(v_n-1)/v_n*v_e0:%.17g)"',
    ]);
    const [sites, unrelaxed, relaxed] = run.ref("VACANCY");
    const v = vacancyFormationEnergy(cu, bulk("Cu", "fcc", A_FILE, 4));
    expect(v.atoms).toBe(sites);
    expect(v.relaxation!.converged).toBe(true);
    // Single points: rounding of 255 atoms' energies.
    expect(Math.abs(v.unrelaxed - unrelaxed)).toBeLessThan(1e-10);
    // FIRE stops at max |F| < 1e-4 eV/A; what that leaves above the minimum, 1/2 F H^-1 F, is at most
    // 12 neighbours x 3 components x (1e-4)^2 / (2 x 1 eV/A^2) ~ 2e-7 eV (measured 3e-8 eV);
    // LAMMPS' CG is converged to 1e-10 eV/A.
    expect(Math.abs(v.relaxed - relaxed)).toBeLessThan(2e-7);
    expect(v.relaxed).toBeLessThan(v.unrelaxed);
  });

  it("(100), (110), (111) surface energies of 12-layer slabs, unrelaxed and relaxed: LAMMPS open z + minimize", async () => {
    // LAMMPS builds each slab from the oriented lattice in its smallest periodic surface cell, takes
    // the bulk energy per atom from the same cell periodic in z, then opens z and relaxes.
    const cells = {
      "100": ["orient x 1 0 0 orient y 0 1 0 orient z 0 0 1", "${a}", "${a}", "$(6*v_a)"],
      "110": ["orient x 0 0 1 orient y 1 -1 0 orient z 1 1 0", "${a}", "$(v_a/sqrt(2))", "$(12*v_a/(2*sqrt(2)))"],
      "111": ["orient x 1 -1 0 orient y 1 1 -2 orient z 1 1 1", "$(v_a/sqrt(2))", "$(v_a*sqrt(1.5))", "$(12*v_a/sqrt(3))"],
    } as const;
    for (const m of ["100", "110", "111"] as const) {
      const [orient, lx, ly, lz] = cells[m];
      const run = await lammps(`surface${m}`, [
        ...LAMMPS_HEAD, `variable a equal ${A_FILE}`, `lattice fcc \${a} ${orient}`, `region cell block 0 ${lx} 0 ${ly} 0 ${lz} units box`,
        "create_box 1 cell", "create_atoms 1 box", ...LAMMPS_MODEL, "run 0",
        "variable nb equal $(count(all))", "variable eb equal $(pe/count(all):%.17g)",
        "change_box all z final -10 $(zhi+10) boundary p p f units box", "run 0", "variable eu equal $(pe:%.17g)",
        "minimize 0.0 1.0e-10 10000 100000", "variable area equal $(lx*ly:%.17g)",
        'print "REF_SURFACE ${nb} $((v_eu-v_nb*v_eb)/(2*v_area):%.17g) $((pe-v_nb*v_eb)/(2*v_area):%.17g)"',
      ]);
      const [atoms, unrelaxed, relaxed] = run.ref("SURFACE");
      const s = surfaceEnergy(cu, "Cu", "fcc", A_FILE, m, { layers: 12 });
      expect(s.structure.length, m).toBe(atoms);
      expect(s.relaxation!.converged).toBe(true);
      expect(Math.abs(s.unrelaxed - unrelaxed), m).toBeLessThan(1e-12);
      // As for the vacancy: FIRE's fmax leaves up to N x 3 x (1e-4)^2 / 2 eV, over 2 A: 1.4e-8 eV/A^2
      // for (100), 1e-8 for (110) and (111) (measured 1e-9 at most).
      expect(Math.abs(s.relaxed - relaxed), m).toBeLessThan(2e-8);
      expect(s.relaxed, m).toBeLessThan(s.unrelaxed);
    }
  });
});

describe("internal consistency", () => {
  it("the Birch-Murnaghan fit recovers the parameters of exact BM3 data", async () => {
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

  it("EOS per atom and elastic constants are the same for a supercell", async () => {
    const one = equationOfState(cu, bulk("Cu", "fcc", a0, 1));
    const two = equationOfState(cu, bulk("Cu", "fcc", a0, 2));
    expect(two.e0PerAtom).toBeCloseTo(one.e0PerAtom, 10);
    expect(two.v0PerAtom).toBeCloseTo(one.v0PerAtom, 9);
    expect(two.b0GPa).toBeCloseTo(one.b0GPa, 6);
    const c1 = elasticConstants(cu, bulk("Cu", "fcc", a0, 1)).c;
    const c2 = elasticConstants(cu, bulk("Cu", "fcc", a0, 2)).c;
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(c2[i][j]).toBeCloseTo(c1[i][j], 6);
  });

  it("elastic constants: symmetric, cubic pattern, converged in the strain", async () => {
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

  it("internal relaxation lowers the elastic constants of hcp Cu (clamped - relaxed is positive semidefinite)", async () => {
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

  it("a vacancy's formation energy converges with the cell size", async () => {
    const e3 = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 3));
    const e4 = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 4));
    // Unrelaxed: only neighbours within the cutoff change, so the value is size-independent.
    expect(e4.unrelaxed).toBeCloseTo(e3.unrelaxed, 9);
    expect(Math.abs(e4.relaxed - e3.relaxed)).toBeLessThan(0.005);
  });

  it("slabs: layer counts and spacings, and bulk-terminated: a periodic stack of layers has the bulk energy", async () => {
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

  it("supercell of a sheared cell: k times the atoms, the same energy per atom, arrays copied", async () => {
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

  it("surface energies: unrelaxed independent of thickness, (111) < (100) < (110)", async () => {
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
  it("fcc Cu: first peak at a/sqrt2 with 12 neighbours, then 6 at a and 24 at a sqrt(3/2)", async () => {
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

  it("a one-cell crystal gives the same g(r) as a supercell (periodic images beyond the cell)", async () => {
    const one = radialDistribution(bulk("Cu", "fcc", 3.615, 1), { rmax: 7, bins: 70 });
    const big = radialDistribution(bulk("Cu", "fcc", 3.615, 4), { rmax: 7, bins: 70 });
    for (let k = 0; k < 70; k++) expect(one.total.coordination[k]).toBeCloseTo(big.total.coordination[k], 9);
  });

  it("a random (ideal-gas) configuration has g -> 1, and partials of a random mixture too", async () => {
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

  it("rocksalt partials: Na-Cl first shell of 6 at a/2, Na-Na 12 at a/sqrt2", async () => {
    const r = radialDistribution(rocksalt("Na", "Cl", 5.64, 2), { rmax: 4.5, bins: 450 });
    const nacl = r.partials.find((p) => p.a === "Cl" && p.b === "Na")!;
    const nana = r.partials.find((p) => p.a === "Na" && p.b === "Na")!;
    expect(nacl.coordination[Math.floor(2.82 / 0.01) + 2]).toBe(6);
    expect(nana.coordination[Math.floor(2.82 / 0.01) + 2]).toBe(0);
    expect(nana.coordination[Math.floor(3.99 / 0.01) + 2]).toBe(12);
  });

  it("needs periodic frames", async () => {
    const cluster = new Atoms({ symbols: ["Cu", "Cu"], positions: [0, 0, 0, 0, 0, 2.5] });
    expect(() => radialDistribution(cluster)).toThrow(/periodic/);
  });
});

// ------------------------------------------------------------------------------------------------
describe("command line (in process)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ect-props-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = cliIn; // in this process, from the checkout (test/helpers/cli.ts)
  const value = (out: string, key: string) => Number(new RegExp(`^${key} = (\\S+)`, "m").exec(out)![1]);
  const POT = ["--potential", "potentials/Cu_u3.eam"];

  it("property eos prints B0 and a0 and writes CSV and SVG", async () => {
    const csv = join(dir, "eos.csv"), svg = join(dir, "eos.svg");
    const out = await cli("property", "eos", ...POT, "--lattice", "fcc", "--a", "3.615", "--strain", "0.02", "--points", "7", "--csv", csv, "--plot", svg);
    expect(value(out, "a0")).toBeCloseTo(3.615, 4);
    expect(value(out, "B0") / 100).toBeCloseTo(1.38, 2);
    expect(readFileSync(csv, "utf8").trim().split("\n")).toHaveLength(8);
    expect(readFileSync(svg, "utf8").startsWith("<svg")).toBe(true);
  });

  it("property vacancy and elastic print the same numbers as the API", async () => {
    const out = await cli("property", "vacancy", ...POT, "--lattice", "fcc", "--a", "3.6", "--repeat", "3");
    const api = vacancyFormationEnergy(cu, bulk("Cu", "fcc", a0, 3));
    expect(value(out, "vacancy formation energy, unrelaxed")).toBeCloseTo(api.unrelaxed, 5);
    expect(value(out, "vacancy formation energy, relaxed")).toBeCloseTo(api.relaxed, 5);
    const el = await cli("property", "elastic", ...POT, "--lattice", "fcc", "--a", "3.6");
    const c = elasticConstants(cu, bulk("Cu", "fcc", a0, 1)).cubic;
    // printed with three decimals
    for (const [k, v] of [["C11", c.c11], ["C12", c.c12], ["C44", c.c44]] as const) expect(Math.abs(value(el, k) - v)).toBeLessThan(6e-4);
  });

  it("relax --cell writes the relaxed structure; property rdf reads it", async () => {
    const xyz = join(dir, "relaxed.xyz");
    const out = await cli("relax", ...POT, "--lattice", "fcc", "--a", "3.5", "--repeat", "2", "--cell", "--optimizer", "lbfgs", "--fmax", "1e-4", "--smax", "0.1", "--output", xyz, "--print-every", "0");
    expect(out).toMatch(/# converged after \d+ steps/);
    const [frame] = parseExtxyz(readFileSync(xyz, "utf8"));
    expect(frame.cell[0] / 2).toBeCloseTo(3.615, 4);
    expect(frame.info.energy as number).toBeCloseTo(-3.54 * 32, 5);
    const rdf = await cli("property", "rdf", "--input", xyz, "--rmax", "3", "--bins", "30");
    const rows = rdf.trim().split("\n").filter((l) => !l.startsWith("#")).slice(1).map((l) => l.split(",").map(Number));
    expect(rows[rows.length - 1][2]).toBeCloseTo(12, 9);
  });

  it("reports bad input in one line with exit status 2", async () => {
    let err: { status?: number; stderr?: string } = {};
    try {
      await cli("relax", ...POT, "--lattice", "fcc", "--a", "3.6", "--pressure", "10");
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
