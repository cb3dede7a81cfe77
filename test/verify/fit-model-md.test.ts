/**
 * Dynamics of the shipped model (models/ect-fitted.json) in rock-salt NaCl: NVE conserves Omega +
 * kinetic energy, and NPT at 300 K and 0 bar keeps the crystal rock-salt near the experimental 300 K
 * lattice constant; LiF and LiH stay rock-salt at 300 K (no polarization catastrophe: first-order
 * induction has no dipole-dipole or overlap term to stop one, so the anion polarizabilities must be
 * small enough, docs/ect-eam.md). Cell sizes and run lengths here are what a test can afford (64
 * atoms, a fraction of a picosecond); the 216-atom, 10 ps NPT run is not run here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

// Long physics runs (npm run verify): each test may take minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 1_800_000 });
import { EctCalculator } from "../../src/ect/calculator.js";
import { parseEctModelText } from "../../src/ect/model.js";
import { buildEctTables } from "../../src/ect/tables.js";
import { BOND_XL_DEFAULTS } from "../../src/ect/transfer/bond-transfer.js";
import { MolecularDynamics } from "../../src/dynamics/driver.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { slope } from "../helpers/series.js";

const modelText = readFileSync(new URL("../../models/ect-fitted.json", import.meta.url), "utf8");

/** Every cation has six anions and no cation within `cut` (A), minimum image in a cubic cell. */
function expectRockSalt(atoms: { positions: Float64Array; cell: Float64Array; symbols: string[]; length: number }, cation: string, cut: number): void {
  const p = atoms.positions, L = atoms.cell[0];
  const d = (i: number, j: number) => {
    let s = 0;
    for (let c = 0; c < 3; c++) { let x = p[3 * j + c] - p[3 * i + c]; x -= L * Math.round(x / L); s += x * x; }
    return Math.sqrt(s);
  };
  for (let i = 0; i < atoms.length; i++) {
    if (atoms.symbols[i] !== cation) continue;
    let anions = 0, cations = 0;
    for (let j = 0; j < atoms.length; j++) if (j !== i && d(i, j) < cut) atoms.symbols[j] === cation ? cations++ : anions++;
    expect([anions, cations], `neighbours of atom ${i} within ${cut} A`).toEqual([6, 0]);
  }
}

describe("MD of rock-salt NaCl with the fitted model (64 atoms, DSF)", () => {
  it("NVE: Omega + kinetic energy drifts by less than 1e-5 eV/atom/ps", async () => {
    const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
    const atoms = rocksalt("Na", "Cl", 5.60, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 7);
    const md = new MolecularDynamics(calc, atoms, { dt: 1.0 });
    const t: number[] = [], e: number[] = [];
    md.run(400, { thermoEvery: 10, onThermo: (row) => { t.push(row.time / 1000); e.push((row.conserved ?? NaN) / atoms.length); } });
    const drift = slope(t, e);
    expect(Math.abs(drift), `drift ${drift} eV/atom/ps`).toBeLessThan(1e-5);
  });

  it("NVE with extended-Lagrangian bond solves (md --solver xl): drift below 1e-5 eV/atom/ps over 1 ps, energies within 1e-5 eV/atom and forces within 1e-3 eV/A of converged solves, under 2.5 evaluations per step", async () => {
    const tables = buildEctTables(parseEctModelText(modelText, "ect-fitted.json"));
    const calc = await EctCalculator.create(tables);
    calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
    const ref = await EctCalculator.create(tables);
    const atoms = rocksalt("Na", "Cl", 5.60, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 7);
    const md = new MolecularDynamics(calc, atoms, { dt: 1.0 });
    const t: number[] = [], e: number[] = [];
    let worstE = 0, worstF = 0, evaluations = 0, steps = 0;
    md.evaluate();
    const evaluations0 = md.stats.solverIterations;
    md.run(1000, {
      thermoEvery: 10,
      onThermo: (row) => {
        t.push(row.time / 1000);
        e.push((row.conserved ?? NaN) / atoms.length);
        if (row.step % 100 !== 0 || row.step === 0) return;
        // The converged solve at the same positions, warm-started from the run's state.
        ref.engine.setAtoms(md.atoms);
        ref.engine.setSolverState(calc.engine.solverState());
        ref.engine.compute();
        worstE = Math.max(worstE, Math.abs(calc.engine.grandPotential() - ref.engine.grandPotential()) / atoms.length);
        const f = calc.engine.forces(), g = ref.engine.forces();
        for (let k = 0; k < f.length; k++) worstF = Math.max(worstF, Math.abs(f[k] - g[k]));
      },
    });
    evaluations = md.stats.solverIterations - evaluations0;
    steps = 1000;
    // Measured (frozen-mean-field Newton steps of 8 products, the default since 2026-12-07): see the
    // printed line and docs/ect-speed.md; 2 evaluations per step plus the 6 filling solves (the
    // exact solver: about 75; the exact-product Newton steps: 7).
    const drift = slope(t, e);
    expect(Math.abs(drift), `drift ${drift} eV/atom/ps`).toBeLessThan(1e-5);
    expect(worstE, "energy against the converged solve, eV/atom").toBeLessThan(1e-5);
    expect(worstF, "forces against the converged solve, eV/A").toBeLessThan(1e-3);
    console.log(`NaCl xl: drift ${slope(t, e).toExponential(2)} eV/atom/ps, E ${worstE.toExponential(2)} eV/atom, F ${worstF.toExponential(2)} eV/A, ${(evaluations / steps).toFixed(2)} evaluations per step`);
    expect(evaluations / steps, "solver evaluations per step").toBeLessThan(2.5);
  });

  it("NVE with extended-Lagrangian bond solves over 10 ps: Omega + kinetic energy drifts by less than 1e-5 eV/atom/ps and stays within 1e-5 eV/atom of its start", async () => {
    const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
    calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
    const atoms = rocksalt("Na", "Cl", 5.64, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
    const md = new MolecularDynamics(calc, atoms, { dt: 1.0 });
    const t: number[] = [], e: number[] = [];
    md.run(10000, { thermoEvery: 100, onThermo: (row) => { t.push(row.time / 1000); e.push((row.conserved ?? NaN) / atoms.length); } });
    const drift = slope(t, e), spread = Math.max(...e.map((v) => Math.abs(v - e[0])));
    // Measured with engine.runVerlet (same cell, seed and solver): within 2.7e-6 to 4.1e-6 eV/atom
    // of the start over the 10 ps, 6.0 evaluations per step.
    console.log(`NaCl xl 10 ps: drift ${drift.toExponential(2)} eV/atom/ps, largest excursion ${spread.toExponential(2)} eV/atom`);
    expect(Math.abs(drift), `drift ${drift} eV/atom/ps`).toBeLessThan(1e-5);
    expect(spread, "largest |Omega + KE - start| (eV/atom)").toBeLessThan(1e-5);
  }, 900_000);

  it("NPT at 300 K and 0 bar (Langevin + Berendsen): stays rock-salt with a within 2 % of 5.64 A", async () => {
    const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
    const atoms = rocksalt("Na", "Cl", 5.64, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 3);
    const md = new MolecularDynamics(calc, atoms, {
      dt: 1.0,
      thermostat: { kind: "langevin", temperature: 300, tdamp: 100, seed: 5 },
      barostat: { kind: "berendsen", pressure: 0, pdamp: 500, couple: "iso" },
    });
    const a: number[] = [];
    md.run(1000, { thermoEvery: 10, onThermo: (row) => row.step >= 500 && a.push(Math.cbrt(row.volume! / 8)) });
    const mean = a.reduce((s, v) => s + v) / a.length;
    expect(Math.abs(mean / 5.64 - 1), `mean a = ${mean} A`).toBeLessThanOrEqual(0.02);
    expectRockSalt(md.atoms, "Na", 3.4);
  });
});

describe("LiF and LiH with the fitted model keep their structure at 300 K (64 atoms, DSF, NVE)", () => {
  for (const [cation, anion, a] of [["Li", "F", 3.99], ["Li", "H", 3.99]] as const) {
    // LiH fell apart here until 2026-12-06 (two H- bound by the H-H Morse pair and a coupling that
    // did not decay; docs/ect-eam.md, "LiH in MD"). Extended-Lagrangian solves (md --solver xl)
    // make 0.5 ps affordable.
    it(`${cation}${anion}: 1000 steps of 0.5 fs from the perfect lattice at 300 K; the temperature settles near equipartition (mean of the last 500 steps below 250 K), the crystal stays rock-salt, and Omega + kinetic energy drifts by less than 1e-5 eV/atom/ps`, async () => {
      const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
      calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
      const atoms = rocksalt(cation, anion, a, 2);
      atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 11);
      const md = new MolecularDynamics(calc, atoms, { dt: 0.5 });
      const temps: number[] = [], t: number[] = [], e: number[] = [];
      md.run(1000, {
        thermoEvery: 10,
        onThermo: (row) => {
          if (row.step >= 500) temps.push(row.temperature!);
          t.push(row.time / 1000);
          e.push((row.conserved ?? NaN) / atoms.length);
        },
      });
      const drift = slope(t, e);
      console.log(`${cation}${anion} xl at 0.5 fs: drift ${drift.toExponential(2)} eV/atom/ps`);
      expect(Math.abs(drift), `drift ${drift} eV/atom/ps`).toBeLessThan(1e-5);
      // From a perfect lattice, 300 K of kinetic energy shares itself with the potential energy:
      // a harmonic crystal settles near 150 K. A soft mode (polarization catastrophe) heats it instead.
      const mean = temps.reduce((x, y) => x + y) / temps.length;
      expect(mean, `mean T ${mean} K`).toBeLessThan(250);
      expectRockSalt(md.atoms, cation, 0.6 * a);
    });
  }
});

describe("216-atom LiH with a thermostat and barostat (the run that found a polarization catastrophe through neutral Li)", () => {
  // With alpha(Li0) = alpha(Li-) = 5 A^3 this run failed at step 46-50 with exact and with
  // extended-Lagrangian solves alike: the solver fell into states with H+ next to polarizable
  // neutral Li, induction -1805 eV (docs/ect-eam.md, "Polarization catastrophe"). At 1 A^3 it holds.
  it("Langevin 300 K + Berendsen 0 bar, 400 steps of 0.5 fs: every solve converges and the crystal stays rock-salt", async () => {
    const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
    calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
    const atoms = rocksalt("Li", "H", 3.99, 3);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 2);
    const md = new MolecularDynamics(calc, atoms, {
      dt: 0.5,
      thermostat: { kind: "langevin", temperature: 300, tdamp: 100, seed: 2 },
      barostat: { kind: "berendsen", pressure: 0, pdamp: 1000, couple: "iso", compressibility: 2e-6 },
    });
    md.run(400, { thermoEvery: 50 });
    // At 300 K single Li-H distances reach past 0.6 a in this cell, so the test here is by order:
    // every Li's six nearest neighbours are H.
    const p = md.atoms.positions, L = md.atoms.cell[0], S = md.atoms.symbols;
    for (let i = 0; i < S.length; i++) {
      if (S[i] !== "Li") continue;
      const near: [number, string][] = [];
      for (let j = 0; j < S.length; j++) {
        if (j === i) continue;
        let d2 = 0;
        for (let c = 0; c < 3; c++) { let x = p[3 * j + c] - p[3 * i + c]; x -= L * Math.round(x / L); d2 += x * x; }
        near.push([d2, S[j]]);
      }
      near.sort((u, v) => u[0] - v[0]);
      expect(near.slice(0, 6).map((e) => e[1]), `six nearest neighbours of atom ${i}`).toEqual(["H", "H", "H", "H", "H", "H"]);
    }
  });
});


describe("large cells with the fitted model", () => {
  it("8,000-atom rock-salt NaCl: the cold solve converges in under 60 evaluations (the line search's gradient test below the energy's rounding; about 615 before)", async () => {
    const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
    const atoms = rocksalt("Na", "Cl", 5.64, 10);
    const res = calc.calculate(atoms);
    const report = calc.engine.solverReport();
    expect(report.iterations).toBeLessThan(60);
    expect(report.residual).toBeLessThan(1e-8 * 100);
    // Every Na gives about the same charge (a crystal of one environment).
    const q = Array.from(res.charges).filter((_, k) => atoms.symbols[k] === "Na");
    expect(Math.max(...q) - Math.min(...q)).toBeLessThan(1e-4);
    expect(q[0]).toBeGreaterThan(0.6);
  });
});
