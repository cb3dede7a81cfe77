// Energy conservation of NVE velocity Verlet over long runs (npm run verify; moved here from
// test/dynamics.test.ts and test/ect-transfer.test.ts to keep npm test fast, with the same bands):
// 500 fcc Cu atoms (Cu_u3.eam) at 600 K for 2000 steps with two neighbor-list settings, and a rattled
// 64-atom NaCl crystal with the bond-transfer ECT-EAM fixture model (test/fixtures/ect-bond-test.json).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { Atoms } from "../../src/atoms.js";
import { VelocityVerlet, type ThermoRow } from "../../src/dynamics/md.js";
import type { EamEngine } from "../../src/eam/engine.js";
import { EctCalculator } from "../../src/ect/calculator.js";
import { parseEctModel } from "../../src/ect/model.js";
import { buildEctTables } from "../../src/ect/tables.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { maxAbsDiff } from "../helpers/compare.js";
import { cuEngine, hotCrystal } from "../helpers/cu-md.js";
import { slope } from "../helpers/series.js";

// Long physics runs: each test may take a minute on a loaded 2-core machine.
vi.setConfig({ testTimeout: 600_000 });

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const engineFor = cuEngine;

/**
 * Total-energy series checks, per atom: the largest excursion from E(0) and the linear trend over
 * the run. Velocity Verlet with dt = 1 fs conserves a shadow Hamiltonian: E(t) oscillates by ~1e-5
 * eV/atom around a constant and does not drift; a wrong force, a missed neighbor or a stale list
 * shows up as a trend.
 */
function checkConservation(rows: ThermoRow[], n: number, label: string): void {
  const e0 = rows[0].total;
  const dev = rows.map((r) => (r.total - e0) / n);
  const maxDev = Math.max(...dev.map(Math.abs));
  expect(maxDev, `${label}: max |E(t) - E(0)| per atom`).toBeLessThan(1e-4);
  // trend: fit after the initial offset (first 10 % of the run) settles
  const tail = rows.slice(Math.floor(rows.length / 10));
  const t = tail.map((r) => r.time);
  const s = slope(t, tail.map((r) => r.total / n));
  const duration = t[t.length - 1] - t[0];
  expect(Math.abs(s * duration), `${label}: linear trend of E(t) per atom over ${duration} fs (slope ${s} eV/fs)`).toBeLessThan(5e-6);
  // the system really is hot and moving: kinetic energy is far from zero throughout
  for (const r of rows) expect(r.temperature).toBeGreaterThan(100);
}

describe("NVE energy conservation (500 fcc Cu atoms, 600 K, dt = 1 fs, 2000 steps)", () => {
  it("default neighbor settings (check every step)", async () => {
    const atoms = hotCrystal(5, 600, 2024);
    expect(atoms.length).toBe(500);
    const e = await engineFor(atoms);
    const md = new VelocityVerlet(e, atoms, { dt: 1 });
    const rows: ThermoRow[] = [];
    const summary = md.run(2000, { thermoEvery: 10, onThermo: (r) => rows.push(r) });
    expect(md.step).toBe(2000);
    expect(rows[0].step).toBe(0);
    expect(rows[rows.length - 1].step).toBe(2000);
    expect(rows.length).toBeGreaterThanOrEqual(201);
    expect(Math.abs(rows[0].temperature - 600)).toBeLessThan(1e-6);
    checkConservation(rows, atoms.length, "every 1 delay 0");
    expect(summary.dangerousBuilds).toBe(0);
  });

  it("with a thin skin, neighbor checks every 5 steps and a delay of 10", async () => {
    const atoms = hotCrystal(5, 600, 2024);
    const e = await engineFor(atoms, { skin: 0.3 });
    const md = new VelocityVerlet(e, atoms, { dt: 1, neighborEvery: 5, neighborDelay: 10 });
    const rows: ThermoRow[] = [];
    const summary = md.run(2000, { thermoEvery: 10, onThermo: (r) => rows.push(r) });
    checkConservation(rows, atoms.length, "skin 0.3 every 5 delay 10");
    // the thin skin forces many rebuilds, so the delayed checks were exercised
    expect(summary.neighborBuilds, "neighbor builds during the run").toBeGreaterThan(20);
    expect(summary.dangerousBuilds, "dangerous builds").toBe(0);

    // Same start, thick skin, check every step: the list never misses a pair in either run, so
    // the trajectories agree to round-off (they differ only in summation order).
    const ref = await engineFor(hotCrystal(5, 600, 2024), { skin: 1.0 });
    ref.runVerlet(2000, 1);
    const dx = maxAbsDiff(unwrapDiff(e, ref), new Float64Array(3 * atoms.length));
    expect(dx, "max position difference vs. skin 1.0 / every 1 run (A)").toBeLessThan(1e-6);
    expect(Math.abs(e.energy() - ref.energy())).toBeLessThan(1e-6);
  });
});

/** Minimum-image position differences a - b (both engines hold the same cell). */
function unwrapDiff(a: EamEngine, b: EamEngine): Float64Array {
  const pa = a.positions(), pb = b.positions();
  const { frame } = a.cellInfo();
  const h = frame.h, g = frame.g;
  const out = new Float64Array(pa.length);
  for (let i = 0; i < pa.length; i += 3) {
    const d = [pa[i] - pb[i], pa[i + 1] - pb[i + 1], pa[i + 2] - pb[i + 2]];
    const s = [0, 1, 2].map((k) => d[0] * g[k] + d[1] * g[3 + k] + d[2] * g[6 + k]).map((v) => v - Math.round(v));
    for (let k = 0; k < 3; k++) out[i + k] = s[0] * h[k] + s[1] * h[3 + k] + s[2] * h[6 + k];
  }
  return out;
}

describe("bond-transfer ECT-EAM (hand-set fixture model, DSF)", () => {
  it("NVE of a rattled NaCl crystal conserves Omega + kinetic energy", async () => {
    const m = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "ect-bond-test.json"), "utf8"));
    m.electrostatics = { longRange: "dsf", cutoff: 11, dsfAlpha: 0.28 };
    const calc = await EctCalculator.create(buildEctTables(parseEctModel(m, "ect-bond-test.json")));
    const atoms = rocksalt("Na", "Cl", 5.6, 2);
    const p = Float64Array.from(atoms.positions);
    for (let k = 0; k < p.length; k++) p[k] += 0.05 * Math.sin(7.3 * k);
    const e = calc.engine;
    e.setAtoms(new Atoms({ symbols: atoms.symbols, positions: p, cell: atoms.cell, pbc: atoms.pbc }));
    e.compute();
    const total = () => e.grandPotential() + e.kineticEnergy();
    const start = total();
    let worst = 0;
    e.runVerlet(100, 1.0, () => (worst = Math.max(worst, Math.abs(total() - start))));
    expect(worst / atoms.symbols.length).toBeLessThan(2e-5);
  });
});
