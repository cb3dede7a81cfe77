// Optimizers (src/optimize): FIRE and L-BFGS on positions, the cell filter under pressure and full
// stress targets, fixed atoms, ECT-EAM molecules (forces = -dOmega/dR at the stationary point), and a
// LAMMPS `minimize` of the same vacancy cell when lmp is installed.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { Atoms } from "../src/atoms.js";
import { forceEnergy, type Calculator } from "../src/calculators/protocol.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { CalculationFailed, InputError } from "../src/errors.js";
import { formatLammpsData } from "../src/io/lammps-data.js";
import {
  CellFilter, fire, lbfgs, maxRowNorm, PositionObjective, relax,
  type Evaluation, type Optimizable,
} from "../src/optimize/index.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { bulk, rocksalt } from "../src/structures/lattice.js";
import { equationOfState } from "../src/properties/eos.js";
import { removeAtoms } from "../src/structures/supercell.js";
import { describeWith, lammpsEnv, need } from "./helpers/tools.js";
import { scratch } from "./helpers/cli.js";

// Each case takes well under 5 s alone, but the suite runs beside other processes on 2 cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const A0 = 3.615; // Cu_u3.eam's equilibrium lattice constant (the file header; FBD 1986)
let cu: EamCalculator;
let ect: EctCalculator;

beforeAll(async () => {
  cu = await EamCalculator.create(readEamPotentialFile("potentials/Cu_u3.eam"));
  ect = await EctCalculator.create(buildEctTables(readEctModelFile("models/ect-starter.json")));
});

/** 3x3x3 conventional Cu cells (108 sites) with atom 0 removed. */
function vacancyCell(): Atoms {
  return removeAtoms(bulk("Cu", "fcc", A0, 3), [0]);
}

/** Largest force on any atom, computed afresh by the calculator (not taken from the optimizer). */
function maxForce(calc: Calculator, atoms: Atoms, skip: ReadonlySet<number> = new Set()): number {
  const f = calc.calculate(atoms).forces.slice();
  for (const i of skip) f[3 * i] = f[3 * i + 1] = f[3 * i + 2] = 0;
  return maxRowNorm(f);
}

describe("FIRE and L-BFGS on a Cu_u3 vacancy cell (issue 7: max force below 1e-4 eV/A)", () => {
  const results: Record<string, { energy: number; positions: Float64Array }> = {};
  for (const optimizer of ["fire", "lbfgs"] as const) {
    it(`${optimizer} reaches max |F| < 1e-4 eV/A`, () => {
      const atoms = vacancyCell();
      const e0 = cu.calculate(atoms).energy;
      const r = relax(atoms, cu, { optimizer, fmax: 1e-4, steps: 2000 });
      expect(r.converged).toBe(true);
      expect(r.fmax).toBeLessThan(1e-4);
      // The stopping criterion holds for forces evaluated independently at the final positions.
      expect(maxForce(cu, atoms)).toBeLessThan(1e-4);
      // The relaxation lowered the energy by the vacancy's relaxation energy (~30 meV for Cu_u3).
      expect(e0 - r.energy).toBeGreaterThan(0.02);
      expect(r.energy).toBe(cu.calculate(atoms).energy);
      results[optimizer] = { energy: r.energy, positions: atoms.positions.slice() };
    });
  }
  it("both optimizers reach the same minimum", () => {
    // With |F| < fmax the energy is above the minimum by ~ sum F^2/(2k) < N fmax^2 / (2 k_min),
    // about 107 * 1e-8 / (2 * 0.5) ~ 1e-6 eV; positions within ~fmax/k_min ~ 2e-4 A.
    expect(Math.abs(results.fire.energy - results.lbfgs.energy)).toBeLessThan(1e-6);
    let d = 0;
    for (let k = 0; k < results.fire.positions.length; k++) d = Math.max(d, Math.abs(results.fire.positions[k] - results.lbfgs.positions[k]));
    expect(d).toBeLessThan(5e-4);
  });
  it("the relaxed vacancy keeps the cubic symmetry: its 12 neighbours move inward by the same amount", () => {
    const p = results.lbfgs.positions;
    // The vacancy was at the origin: its neighbours are the sites at a/sqrt2 (with periodic images).
    const L = 3 * A0;
    const shifts: number[] = [];
    for (let i = 0; i < p.length / 3; i++) {
      const d = [0, 1, 2].map((k) => { let x = p[3 * i + k]; x -= L * Math.round(x / L); return x; });
      const r = Math.hypot(d[0], d[1], d[2]);
      if (r < A0 / Math.SQRT2 + 0.2) shifts.push(r - A0 / Math.SQRT2);
    }
    expect(shifts).toHaveLength(12);
    for (const s of shifts) expect(s).toBeCloseTo(shifts[0], 4);
    expect(shifts[0]).toBeLessThan(-0.005);
  });
});

describe("fixed atoms", () => {
  it("fixed atoms keep their coordinates exactly; the rest relax below fmax", () => {
    const atoms = vacancyCell();
    const fixed = [0, 5, 17, 40];
    const before = fixed.map((i) => Array.from(atoms.positions.subarray(3 * i, 3 * i + 3)));
    for (const optimizer of ["fire", "lbfgs"] as const) {
      const r = relax(atoms, cu, { optimizer, fmax: 1e-4, fixed, steps: 2000 });
      expect(r.converged).toBe(true);
      fixed.forEach((i, k) => expect(Array.from(atoms.positions.subarray(3 * i, 3 * i + 3))).toEqual(before[k]));
      expect(maxForce(cu, atoms, new Set(fixed))).toBeLessThan(1e-4);
    }
  });
  it("rejects an index outside the structure", () => {
    expect(() => new PositionObjective(vacancyCell(), cu, { fixed: [107] })).toThrow(InputError);
    expect(() => new PositionObjective(vacancyCell(), cu, { fixed: [-1] })).toThrow(/out of range/);
  });
});

/** A strained, sheared and rattled 2x2x2 Cu cell (32 atoms). */
function distortedCu(): Atoms {
  const atoms = bulk("Cu", "fcc", A0, 2);
  const d = [1.03, 0.02, 0, 0.02, 0.98, 0.01, 0, 0.01, 1.04];
  const apply = (v: Float64Array) => {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i += 3) for (let a = 0; a < 3; a++) out[i + a] = d[3 * a] * v[i] + d[3 * a + 1] * v[i + 1] + d[3 * a + 2] * v[i + 2];
    return out;
  };
  atoms.cell = apply(atoms.cell);
  atoms.positions = apply(atoms.positions);
  for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] += 0.05 * Math.sin(7.3 * k + 1);
  return atoms;
}

/** Lengths (A) and angles (rad) of the cell rows. */
function cellShape(c: Float64Array): { len: number[]; ang: number[] } {
  const row = (k: number) => [c[3 * k], c[3 * k + 1], c[3 * k + 2]];
  const len = [0, 1, 2].map((k) => Math.hypot(...row(k)));
  const ang = [[1, 2], [0, 2], [0, 1]].map(([i, j]) => Math.acos(row(i).reduce((s, x, k) => s + x * row(j)[k], 0) / (len[i] * len[j])));
  return { len, ang };
}

describe("cell relaxation (CellFilter)", () => {
  for (const optimizer of ["fire", "lbfgs"] as const) {
    it(`${optimizer}: a strained, sheared, rattled Cu crystal returns to a0 = 3.615 A and zero stress`, () => {
      const atoms = distortedCu();
      const r = relax(atoms, cu, { optimizer, cell: true, fmax: 1e-4, smax: 1e-7, steps: 3000 });
      expect(r.converged).toBe(true);
      const { len, ang } = cellShape(atoms.cell);
      // a0 of Cu_u3 is 3.6149999739 A (property lattice); a residual stress of 1e-7 eV/A^3 strains
      // the cell by ~1e-7 / C ~ 1e-7: lengths to 1e-5 A, angles to 1e-5 rad.
      for (const l of len) expect(Math.abs(l / 2 - A0)).toBeLessThan(1e-5);
      for (const t of ang) expect(Math.abs(t - Math.PI / 2)).toBeLessThan(1e-5);
      const res = cu.calculate(atoms);
      for (const s of res.stress!) expect(Math.abs(s)).toBeLessThan(1e-7);
      expect(maxRowNorm(res.forces)).toBeLessThan(1e-4);
      expect(res.energy / atoms.length).toBeCloseTo(-3.54, 6);
    });
  }

  it("under 5 GPa the stress is -p I and dE/dV = -p (the enthalpy minimum)", () => {
    const p = 5 / 160.21766208; // eV/A^3
    const atoms = bulk("Cu", "fcc", A0, 1);
    const r = relax(atoms, cu, { optimizer: "lbfgs", cell: { pressure: p }, fmax: 1e-5, smax: 1e-8, steps: 500 });
    expect(r.converged).toBe(true);
    const s = cu.calculate(atoms).stress!;
    for (let k = 0; k < 6; k++) expect(Math.abs(s[k] - (k < 3 ? -p : 0))).toBeLessThan(1e-8);
    // Independent check: central difference of E along isotropic scaling of the relaxed cell.
    const at = (f: number) => {
      const a = atoms.copy();
      for (let k = 0; k < 9; k++) a.cell[k] *= f;
      for (let k = 0; k < a.positions.length; k++) a.positions[k] *= f;
      return { e: cu.calculate(a).energy, v: a.volume() };
    };
    const hi = at(1 + 1e-4), lo = at(1 - 1e-4);
    expect((hi.e - lo.e) / (hi.v - lo.v) / -p).toBeCloseTo(1, 4);
    expect(r.energy).toBeCloseTo(cu.calculate(atoms).energy + p * atoms.volume(), 10);
    expect(Math.cbrt(atoms.volume())).toBeLessThan(A0);
  });

  it("a full (uniaxial) target stress is reached exactly", () => {
    const t = 1 / 160.21766208; // 1 GPa tension along x, eV/A^3
    const atoms = bulk("Cu", "fcc", A0, 1);
    const r = relax(atoms, cu, { optimizer: "fire", cell: { stress: [t, 0, 0, 0, 0, 0] }, fmax: 1e-5, smax: 1e-8, steps: 3000 });
    expect(r.converged).toBe(true);
    const s = cu.calculate(atoms).stress!;
    const want = [t, 0, 0, 0, 0, 0];
    for (let k = 0; k < 6; k++) expect(Math.abs(s[k] - want[k])).toBeLessThan(1e-8);
    const { len } = cellShape(atoms.cell);
    expect(len[0]).toBeGreaterThan(A0);
    expect(len[1]).toBeCloseTo(len[2], 8);
  });

  it("constant volume relaxes the shape only; hydrostatic keeps the shape; a mask freezes components", () => {
    const start = () => {
      const a = bulk("Cu", "fcc", A0, 1);
      const d = [1.04, 1.0, 0.97];
      for (let k = 0; k < 3; k++) a.cell[4 * k] *= d[k];
      for (let i = 0; i < a.length; i++) for (let k = 0; k < 3; k++) a.positions[3 * i + k] *= d[k];
      a.cell[1] = 0.05; // a sheared start, for the mask
      return a;
    };
    const cv = start();
    const v0 = cv.volume();
    const rcv = relax(cv, cu, { optimizer: "fire", cell: { constantVolume: true }, fmax: 1e-5, smax: 1e-8, steps: 3000 });
    expect(rcv.converged).toBe(true);
    expect(Math.abs(cv.volume() / v0 - 1)).toBeLessThan(1e-12);
    const s = cu.calculate(cv).stress!;
    // Only the pressure is left: equal normal stresses, no shear.
    expect(Math.abs(s[0] - s[1]) + Math.abs(s[1] - s[2])).toBeLessThan(3e-8);
    for (let k = 3; k < 6; k++) expect(Math.abs(s[k])).toBeLessThan(1e-8);
    expect(Math.abs(s[0])).toBeGreaterThan(1e-3);

    const hy = start();
    const shape0 = cellShape(hy.cell);
    const rhy = relax(hy, cu, { optimizer: "lbfgs", cell: { hydrostatic: true }, fmax: 1e-5, smax: 1e-8, steps: 500 });
    expect(rhy.converged).toBe(true);
    const shape1 = cellShape(hy.cell);
    for (let k = 0; k < 3; k++) {
      expect(shape1.len[k] / shape1.len[0]).toBeCloseTo(shape0.len[k] / shape0.len[0], 12);
      expect(shape1.ang[k]).toBeCloseTo(shape0.ang[k], 12);
    }
    const sh = cu.calculate(hy).stress!;
    expect(Math.abs(sh[0] + sh[1] + sh[2])).toBeLessThan(3e-8);

    const mk = start();
    const f = new CellFilter(mk, cu, { mask: [true, true, true, false, false, false] });
    const rmk = fire(f, { fmax: 1e-5, smax: 1e-8, steps: 3000 });
    expect(rmk.converged).toBe(true);
    const F = f.deformation();
    for (const [i, j] of [[0, 1], [1, 0], [0, 2], [2, 0], [1, 2], [2, 1]]) expect(F[3 * i + j]).toBe(0);
    const sm = cu.calculate(mk).stress!;
    for (let k = 0; k < 3; k++) expect(Math.abs(sm[k])).toBeLessThan(1e-8);
  });

  it("refuses structures it cannot relax", () => {
    const slab = bulk("Cu", "fcc", A0, 1);
    slab.pbc = [true, true, false];
    expect(() => new CellFilter(slab, cu)).toThrow(/periodic in all three/);
    expect(() => new CellFilter(bulk("Cu", "fcc", A0, 1), cu, { pressure: 0, stress: [0, 0, 0, 0, 0, 0] })).toThrow(InputError);
    expect(() => new CellFilter(bulk("Cu", "fcc", A0, 1), cu, { mask: [true] })).toThrow(/6 Voigt/);
  });
});

describe("ECT-EAM molecules (models/ect-starter.json): stationary points of Omega", () => {
  for (const [a, b, r0] of [["Na", "Cl", 2.7], ["Li", "H", 1.9]] as const) {
    it(`${a}${b}: FIRE and L-BFGS stop where |F| < fmax and F equals -dOmega/dR by finite differences`, () => {
      const bond: number[] = [];
      for (const optimizer of ["fire", "lbfgs"] as const) {
        const m = new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0.1, -0.05, r0], pbc: [false, false, false] });
        const r = relax(m, ect, { optimizer, fmax: 1e-4, steps: 1000 });
        expect(r.converged).toBe(true);
        const res = ect.calculate(m);
        expect(r.energy).toBe(res.grandPotential);
        expect(maxRowNorm(res.forces)).toBeLessThan(1e-4);
        // Central differences of Omega (h = 1e-4 A: truncation ~h^2 Omega'''/6 ~ 1e-8 eV/A).
        const h = 1e-4;
        for (let k = 0; k < 6; k++) {
          const omega = (dx: number) => {
            const c = m.copy();
            c.positions[k] += dx;
            return forceEnergy(ect.calculate(c));
          };
          const fd = -(omega(h) - omega(-h)) / (2 * h);
          expect(Math.abs(fd - res.forces[k])).toBeLessThan(2e-6);
          expect(Math.abs(fd)).toBeLessThan(1e-4 + 2e-6);
        }
        const p = m.positions;
        bond.push(Math.hypot(p[3] - p[0], p[4] - p[1], p[5] - p[2]));
      }
      // Same minimum: |F| < 1e-4 eV/A with a bond stiffness of > 1 eV/A^2 leaves < 1e-4 A.
      expect(Math.abs(bond[0] - bond[1])).toBeLessThan(1e-4);
    });
  }
});

describe("ECT-EAM crystal: rocksalt NaCl with DSF electrostatics", () => {
  it("the cell relaxes to zero stress, and the relaxed volume is the minimum of Omega(V)", async () => {
    const base = readEctModelFile("models/ect-starter.json");
    const model = { ...base, electrostatics: { ...base.electrostatics, longRange: "dsf" as const, cutoff: 9, dsfAlpha: 0.25 } };
    const calc = await EctCalculator.create(buildEctTables(model));
    const x = rocksalt("Na", "Cl", 5.6, 1);
    // The stress the filter drives to zero is the strain derivative of Omega (central difference).
    const h = 1e-5;
    const omega = (e: number) => {
      const a = x.copy();
      a.cell[0] *= 1 + e;
      for (let i = 0; i < a.length; i++) a.positions[3 * i] *= 1 + e;
      return forceEnergy(calc.calculate(a));
    };
    const s0 = calc.calculate(x).stress![0];
    expect(Math.abs((omega(h) - omega(-h)) / (2 * h) / x.volume() - s0)).toBeLessThan(1e-8);
    expect(Math.abs(s0)).toBeGreaterThan(1e-3);
    const r = relax(x, calc, { optimizer: "lbfgs", cell: true, fmax: 1e-4, smax: 1e-7, steps: 300 });
    expect(r.converged).toBe(true);
    for (const s of calc.calculate(x).stress!) expect(Math.abs(s)).toBeLessThan(1e-7);
    // A Birch-Murnaghan fit of Omega(V) around the relaxed cell puts V0 there (the fit's own bias
    // over +-2 % strain is ~1e-4 in V).
    const eos = equationOfState(calc, x, { strain: 0.02, points: 7 });
    expect(Math.abs(eos.fit.v0 / x.volume() - 1)).toBeLessThan(5e-4);
  });
});

/** A quadratic bowl E = 1/2 sum k_i (x_i - c_i)^2 with stiffnesses over three decades. */
class Bowl implements Optimizable {
  readonly rows = 4;
  readonly hasCell = false;
  x = new Float64Array(12).map((_, i) => Math.cos(i));
  readonly k = new Float64Array(12).map((_, i) => 0.1 * 10 ** (i / 4));
  readonly c = new Float64Array(12).map((_, i) => 0.3 * i - 1);
  calls = 0;
  getX() { return this.x.slice(); }
  setX(x: Float64Array) { this.x = x.slice(); }
  evaluate(): Evaluation {
    this.calls++;
    let e = 0;
    const f = new Float64Array(12);
    for (let i = 0; i < 12; i++) {
      e += 0.5 * this.k[i] * (this.x[i] - this.c[i]) ** 2;
      f[i] = -this.k[i] * (this.x[i] - this.c[i]);
    }
    return { energy: e, forces: f, fmax: maxRowNorm(f), stressResidual: 0 };
  }
}

describe("optimizer mechanics on a known quadratic", () => {
  it("L-BFGS (with and without line search) and FIRE find the minimum of an ill-conditioned bowl", () => {
    for (const run of [(b: Bowl) => lbfgs(b, { fmax: 1e-8, alpha: 1 }), (b: Bowl) => lbfgs(b, { fmax: 1e-8, alpha: 1, lineSearch: true }), (b: Bowl) => fire(b, { fmax: 1e-8, steps: 20000 })]) {
      const b = new Bowl();
      const r = run(b);
      expect(r.converged).toBe(true);
      for (let i = 0; i < 12; i++) expect(b.x[i]).toBeCloseTo(b.c[i], 6);
      expect(r.evaluations).toBe(b.calls);
    }
  });
  it("honours the step limit and a callback that stops the run", () => {
    const b = new Bowl();
    const r = fire(b, { fmax: 1e-8, steps: 3 });
    expect(r.converged).toBe(false);
    expect(r.steps).toBe(3);
    const seen: number[] = [];
    const r2 = lbfgs(new Bowl(), { fmax: 1e-12, callback: (s) => { seen.push(s.step); return s.step < 2; } });
    expect(seen).toEqual([0, 1, 2]);
    expect(r2.steps).toBe(2);
  });
  it("caps steps at maxStep: FIRE by the whole step's norm, L-BFGS per row", () => {
    const b = new Bowl();
    let prev = b.getX();
    fire(b, { fmax: 1e-8, steps: 30, maxStep: 0.01, callback: () => {
      let n = 0;
      for (let k = 0; k < 12; k++) n += (b.x[k] - prev[k]) ** 2;
      expect(Math.sqrt(n)).toBeLessThanOrEqual(0.01 + 1e-15);
      prev = b.getX();
    } });
    const c = new Bowl();
    prev = c.getX();
    lbfgs(c, { fmax: 1e-8, steps: 30, maxStep: 0.01, callback: () => {
      const d = c.getX().map((x, k) => x - prev[k]);
      expect(maxRowNorm(d)).toBeLessThanOrEqual(0.01 + 1e-15);
      prev = c.getX();
    } });
  });
  it("rejects bad parameters and a calculator that returns NaN", () => {
    expect(() => fire(new Bowl(), { dt: -1 })).toThrow(InputError);
    expect(() => lbfgs(new Bowl(), { memory: 0 })).toThrow(InputError);
    expect(() => lbfgs(new Bowl(), { fmax: 0 })).toThrow(InputError);
    const nan: Calculator = { calculate: () => ({ energy: NaN, forces: new Float64Array(3), virial: new Float64Array(9), stress: null }) };
    const one = new Atoms({ symbols: ["Cu"], positions: [0, 0, 0] });
    expect(() => relax(one, nan)).toThrow(CalculationFailed);
  });
});

// ------------------------------------------------------------------------------------------------
describeWith("lmp", "LAMMPS minimize of the same vacancy cell", () => {
  const { dir } = scratch("ect-relax-");

  it("LAMMPS' conjugate gradient reaches the same relaxed energy as FIRE (to 1e-6 eV)", () => {
    const atoms = vacancyCell();
    copyFileSync("potentials/Cu_u3.eam", join(dir, "Cu_u3.eam"));
    writeFileSync(join(dir, "vac.data"), formatLammpsData(atoms, { species: ["Cu"], comment: "Cu_u3 vacancy" }));
    writeFileSync(join(dir, "in.min"), [
      "units metal", "atom_style atomic", "atom_modify map array sort 0 0.0", "boundary p p p",
      "read_data vac.data", "pair_style eam", "pair_coeff 1 1 Cu_u3.eam",
      "neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes",
      "thermo_style custom step pe fmax", "thermo_modify format float %.17g",
      "min_style cg", "minimize 0.0 1.0e-8 10000 100000",
      'print "REF_PE $(pe:%.17g) REF_FMAX $(fmax:%.17g)"', "",
    ].join("\n"));
    const run = spawnSync(need("lmp"), ["-in", "in.min", "-log", "log.min", "-screen", "none"], { cwd: dir, env: lammpsEnv(dir) });
    expect(run.status).toBe(0);
    const m = /^REF_PE (\S+) REF_FMAX (\S+)$/m.exec(readFileSync(join(dir, "log.min"), "utf8"));
    expect(m).not.toBeNull();
    const pe = Number(m![1]);
    const ours = relax(atoms, cu, { optimizer: "fire", fmax: 1e-4, steps: 2000 });
    // Both are within ~N fmax^2 / (2 k) ~ 1e-6 eV of the same minimum (LAMMPS' fmax is per component).
    expect(Math.abs(ours.energy - pe)).toBeLessThan(1e-6);
  });
});
