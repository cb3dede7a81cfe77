/**
 * Dynamics of the shipped model (models/ect-fitted.json) in rock-salt NaCl: NVE conserves Omega +
 * kinetic energy, and NPT at 300 K and 0 bar keeps the crystal rock-salt near the experimental 300 K
 * lattice constant. Cell sizes and run lengths here are what a test can afford (64 atoms, a fraction
 * of a picosecond); the 216-atom, 10 ps run is measured by the command in reports/fit/report.md.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

// Long physics runs (npm run verify): each test may take minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 1_800_000 });
import { EctCalculator } from "../../src/ect/calculator.js";
import { parseEctModelText } from "../../src/ect/model.js";
import { buildEctTables } from "../../src/ect/tables.js";
import { MolecularDynamics } from "../../src/dynamics/driver.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { rocksalt } from "../../src/structures/lattice.js";

const modelText = readFileSync(new URL("../../models/ect-fitted.json", import.meta.url), "utf8");

/** Least-squares slope of y(x). */
function slope(x: number[], y: number[]): number {
  const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < n; k++) { sxy += (x[k] - mx) * (y[k] - my); sxx += (x[k] - mx) ** 2; }
  return sxy / sxx;
}

/*
 * Not met yet (the issue stays open): with the shipped model both runs stop with "bond-transfer
 * solver did not converge" after ~280 steps (NVE: Omega + kinetic drifts from step ~240 on while
 * the temperature climbs from 140 to 580 K; some Na reach neutral weights of 0.003, where the fourth
 * root of the couplings makes the solve stiff). They run as `it.fails` so that a fix shows up here.
 */
describe("MD of rock-salt NaCl with the fitted model (64 atoms, DSF)", () => {
  it.fails("NVE: Omega + kinetic energy drifts by less than 1e-5 eV/atom/ps", async () => {
    const calc = await EctCalculator.create(buildEctTables(parseEctModelText(modelText, "ect-fitted.json")));
    const atoms = rocksalt("Na", "Cl", 5.60, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 7);
    const md = new MolecularDynamics(calc, atoms, { dt: 1.0 });
    const t: number[] = [], e: number[] = [];
    md.run(400, { thermoEvery: 10, onThermo: (row) => { t.push(row.time / 1000); e.push((row.conserved ?? NaN) / atoms.length); } });
    const drift = slope(t, e);
    expect(Math.abs(drift), `drift ${drift} eV/atom/ps`).toBeLessThan(1e-5);
  });

  it.fails("NPT at 300 K and 0 bar (Langevin + Berendsen): stays rock-salt with a within 2 % of 5.64 A", async () => {
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
    // rock-salt: every Na has six Cl within 3.4 A and no Na within 3.4 A
    const p = md.atoms.positions, cell = md.atoms.cell, L = cell[0];
    const d = (i: number, j: number) => {
      let s = 0;
      for (let c = 0; c < 3; c++) { let x = p[3 * j + c] - p[3 * i + c]; x -= L * Math.round(x / L); s += x * x; }
      return Math.sqrt(s);
    };
    for (let i = 0; i < md.atoms.length; i++) {
      if (md.atoms.symbols[i] !== "Na") continue;
      let cl = 0, na = 0;
      for (let j = 0; j < md.atoms.length; j++) if (j !== i && d(i, j) < 3.4) md.atoms.symbols[j] === "Cl" ? cl++ : na++;
      expect([cl, na]).toEqual([6, 0]);
    }
  });
});
