// NVE velocity-Verlet dynamics: reproducibility, chunked runs, Maxwell-Boltzmann velocities, and atoms
// crossing periodic boundaries. Energy conservation over 2000 steps is a long run: test/verify/nve.test.ts.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { VelocityVerlet } from "../src/dynamics/md.js";
import { Random } from "../src/dynamics/random.js";
import { degreesOfFreedom, kineticEnergy, maxwellBoltzmann, temperatureOf } from "../src/dynamics/velocities.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { BOLTZMANN, type EamEngine } from "../src/eam/engine.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { bundledPotential, expectBitwise, maxAbsDiff } from "./helpers/compare.js";
import { cuEngine, hotCrystal } from "./helpers/cu-md.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const cu = bundledPotential("Cu_u3.eam");

const engineFor = cuEngine;

describe("Maxwell-Boltzmann velocities", () => {
  it("give exactly the requested temperature (3N-3 dof) and zero total momentum", () => {
    for (const [n, T, seed] of [
      [500, 600, 1],
      [32, 300, 2],
      [4, 1234.5, 3],
    ] as const) {
      const atoms = bulk("Cu", "fcc", 3.615, n === 500 ? 5 : n === 32 ? 2 : 1);
      const masses = Float64Array.from(atoms.masses, (m, i) => (i % 2 ? m : 2 * m)); // unequal masses too
      const v = maxwellBoltzmann(masses, T, seed);
      expect(degreesOfFreedom(masses.length)).toBe(3 * masses.length - 3);
      const ke = kineticEnergy(v, masses);
      // T = 2 KE / ((3N - 3) k_B)
      const t = (2 * ke) / ((3 * masses.length - 3) * BOLTZMANN);
      expect(Math.abs(t - T) / T, `T = ${t} for requested ${T}`).toBeLessThan(1e-12);
      expect(Math.abs(temperatureOf(ke, masses.length) - T) / T).toBeLessThan(1e-12);
      const p = [0, 0, 0];
      let scale = 0;
      for (let i = 0; i < masses.length; i++) {
        for (let d = 0; d < 3; d++) {
          p[d] += masses[i] * v[3 * i + d];
          scale += Math.abs(masses[i] * v[3 * i + d]);
        }
      }
      for (let d = 0; d < 3; d++) expect(Math.abs(p[d]), `total momentum ${"xyz"[d]}`).toBeLessThan(1e-14 * scale);
    }
  });

  it("same seed gives the same velocities, another seed different ones", () => {
    const m = bulk("Cu", "fcc", 3.615, 3).masses;
    expectBitwise(maxwellBoltzmann(m, 600, 7), maxwellBoltzmann(m, 600, 7), "same seed");
    expect(maxAbsDiff(maxwellBoltzmann(m, 600, 7), maxwellBoltzmann(m, 600, 8))).toBeGreaterThan(1e-3);
  });

  it("the engine's kinetic energy agrees with the JS one", async () => {
    const atoms = hotCrystal(3, 600, 5);
    const e = await engineFor(atoms);
    const ke = kineticEnergy(atoms.velocities!, atoms.masses);
    expect(Math.abs(e.kineticEnergy() - ke) / ke).toBeLessThan(1e-13);
    expect(Math.abs(temperatureOf(e.kineticEnergy(), atoms.length) - 600)).toBeLessThan(1e-9);
  });
});

describe("reproducibility", () => {
  it("same seed gives a bitwise identical trajectory, a different seed a different one", async () => {
    const run = async (seed: number) => {
      const e = await engineFor(hotCrystal(5, 600, seed));
      e.runVerlet(300, 1);
      return { x: e.positions(), v: e.velocities(), f: e.forces(), energy: e.energy() };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expectBitwise(b.x, a.x, "positions, same seed");
    expectBitwise(b.v, a.v, "velocities, same seed");
    expectBitwise(b.f, a.f, "forces, same seed");
    expect(Object.is(b.energy, a.energy)).toBe(true);
    expect(maxAbsDiff(c.x, a.x), "positions, different seed").toBeGreaterThan(1e-3);
    expect(c.energy).not.toBe(a.energy);
  });

  for (const [label, opts, neigh] of [
    ["default neighbor settings", { skin: 1.0 }, {}],
    ["skin 0.3, every 3, delay 7", { skin: 0.3 }, { every: 3, delay: 7 }],
  ] as const) {
    it(`run 500 + run 500 equals run 1000 bitwise (${label})`, async () => {
      const one = await engineFor(hotCrystal(4, 600, 77), opts);
      one.runVerlet(1000, 1, neigh);
      const two = await engineFor(hotCrystal(4, 600, 77), opts);
      two.runVerlet(500, 1, neigh);
      two.runVerlet(500, 1, neigh);
      expectBitwise(two.positions(), one.positions(), "positions");
      expectBitwise(two.velocities(), one.velocities(), "velocities");
      expectBitwise(two.forces(), one.forces(), "forces");
      expect(Object.is(two.energy(), one.energy()), `energy ${two.energy()} vs ${one.energy()}`).toBe(true);
      expect(two.neighborStats().builds).toBe(one.neighborStats().builds);
      // VelocityVerlet runs in chunks between outputs; that must not change the trajectory either
      const e3 = await engineFor(hotCrystal(4, 600, 77), opts);
      const md = new VelocityVerlet(e3, hotCrystal(4, 600, 77), { dt: 1, neighborEvery: neigh.every ?? 1, neighborDelay: neigh.delay ?? 0 });
      md.run(300, { thermoEvery: 7, onThermo: () => {} });
      md.run(700, { thermoEvery: 100, onThermo: () => {}, frameEvery: 250, onFrame: () => {} });
      expectBitwise(e3.positions(), one.positions(), "positions (VelocityVerlet, chunked)");
      expectBitwise(e3.velocities(), one.velocities(), "velocities (VelocityVerlet, chunked)");
    });
  }
});

describe("atoms crossing periodic boundaries", () => {
  it("stay consistent with a fresh evaluation of the final positions", async () => {
    const atoms = hotCrystal(3, 300, 5);
    const n = atoms.length;
    // a few fast atoms (0.04 A/fs ~ 5 eV) along different directions; they cross the 10.8 A cell
    const fast: [number, number[]][] = [
      [0, [0.04, 0.001, 0]],
      [17, [-0.003, -0.04, 0.002]],
      [50, [0.02, 0.02, -0.03]],
      [81, [0, 0.005, 0.04]],
    ];
    for (const [i, v] of fast) for (let d = 0; d < 3; d++) atoms.velocities![3 * i + d] = v[d];
    const e = await engineFor(atoms);
    e.compute();
    const e0 = e.energy() + e.kineticEnergy();
    // follow unwrapped positions through short chunks (displacement per chunk << half the cell)
    const { frame } = e.cellInfo();
    const unwrapped = Float64Array.from(atoms.positions);
    let prev = e.positions();
    const chunk = 5;
    for (let s = 0; s < 400; s += chunk) {
      e.runVerlet(chunk, 1);
      const cur = e.positions();
      for (let i = 0; i < 3 * n; i += 3) {
        const d = [cur[i] - prev[i], cur[i + 1] - prev[i + 1], cur[i + 2] - prev[i + 2]];
        const f = [0, 1, 2].map((k) => d[0] * frame.g[k] + d[1] * frame.g[3 + k] + d[2] * frame.g[6 + k]).map((x) => x - Math.round(x));
        for (let k = 0; k < 3; k++) unwrapped[i + k] += f[0] * frame.h[k] + f[1] * frame.h[3 + k] + f[2] * frame.h[6 + k];
      }
      prev = cur;
    }
    // several atoms have left the original cell at least once
    let crossed = 0;
    for (let i = 0; i < 3 * n; i += 3) {
      const s = [0, 1, 2].map((k) => unwrapped[i] * frame.g[k] + unwrapped[i + 1] * frame.g[3 + k] + unwrapped[i + 2] * frame.g[6 + k]);
      if (s.some((x) => x < 0 || x >= 1)) crossed++;
    }
    expect(crossed, "atoms outside the original cell (unwrapped)").toBeGreaterThanOrEqual(4);
    // positions reported by the engine are inside the cell (wrapped) or close to it
    const final = e.positions();
    for (let i = 0; i < 3 * n; i += 3) {
      const s = [0, 1, 2].map((k) => final[i] * frame.g[k] + final[i + 1] * frame.g[3 + k] + final[i + 2] * frame.g[6 + k]);
      for (const x of s) {
        expect(x, `fractional coordinate of atom ${i / 3}`).toBeGreaterThan(-0.2);
        expect(x, `fractional coordinate of atom ${i / 3}`).toBeLessThan(1.2);
      }
    }
    // energy, forces, per-atom energies and virial after the run agree with a fresh evaluation
    const fresh = (positions: ArrayLike<number>) =>
      new Atoms({ symbols: atoms.symbols, positions, cell: atoms.cell, pbc: atoms.pbc, masses: atoms.masses });
    const calc = await EamCalculator.create(cu);
    for (const [label, pos] of [
      ["wrapped final positions", final],
      ["unwrapped final positions", unwrapped],
    ] as const) {
      const r = calc.calculate(fresh(pos));
      expect(Math.abs(r.energy - e.energy()), `${label}: energy ${r.energy} vs engine ${e.energy()}`).toBeLessThanOrEqual(1e-9);
      expect(maxAbsDiff(r.forces, e.forces()), `${label}: forces`).toBeLessThanOrEqual(1e-9);
      expect(maxAbsDiff(r.energies, e.energies()), `${label}: per-atom energies after a run`).toBeLessThanOrEqual(1e-9);
      expect(maxAbsDiff(r.virial, e.virial()), `${label}: virial after a run`).toBeLessThanOrEqual(1e-8);
    }
    // and the collisions did not break energy conservation badly (loose: 5 eV projectiles)
    const e1 = e.energy() + e.kineticEnergy();
    expect(Math.abs(e1 - e0) / n, "total energy change per atom").toBeLessThan(1e-3);
    expect(e.neighborStats().dangerous).toBe(0);
  });
});

describe("a cluster whose atoms fly apart (the bounding box and bins grow during the run)", () => {
  it("split and single runs agree bitwise and match a fresh evaluation", async () => {
    const cl = readExtxyzFile(join(ROOT, "test", "fixtures", "ref", "cu_u3_cluster.extxyz"))[0];
    const start = () => {
      const a = cl.copy();
      a.velocities = maxwellBoltzmann(a.masses, 300, 3);
      // two fast atoms leave the cluster (0.3 A/fs: ~300 A in 1000 steps)
      for (const [i, v] of [[0, [0.3, 0.1, 0]], [5, [-0.2, 0.25, 0.3]]] as const) {
        for (let d = 0; d < 3; d++) a.velocities[3 * i + d] = v[d];
      }
      return a;
    };
    const one = await engineFor(start());
    one.runVerlet(1000, 1);
    const chunks = await engineFor(start());
    for (let k = 0; k < 8; k++) chunks.runVerlet(125, 1);
    expectBitwise(chunks.positions(), one.positions(), "positions (8 x 125 vs 1000 steps)");
    expectBitwise(chunks.velocities(), one.velocities(), "velocities (8 x 125 vs 1000 steps)");
    const x = one.positions();
    const extent = Math.max(...Array.from({ length: cl.length }, (_, i) => Math.hypot(x[3 * i], x[3 * i + 1], x[3 * i + 2])));
    expect(extent, "the fast atoms are far away").toBeGreaterThan(100);
    const calc = await EamCalculator.create(cu);
    const r = calc.calculate(new Atoms({ symbols: cl.symbols, positions: x, pbc: [false, false, false] }));
    expect(Math.abs(r.energy - one.energy())).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(r.forces, one.forces())).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(r.energies, one.energies())).toBeLessThanOrEqual(1e-9);
  });
});

describe("a system shorter than the cutoff keeps its images straight in MD", () => {
  it("a 4-atom cell and its 3x3x3 replica follow the same trajectory", async () => {
    const small = bulk("Cu", "fcc", 3.615, 1);
    const rng = new Random(3);
    small.velocities = Float64Array.from({ length: 12 }, () => 0.01 * rng.normal());
    const big = bulk("Cu", "fcc", 3.615, 3);
    // replica order of bulk(…, 3): cells (i, j, k) outermost, basis innermost -> atom p of cell c
    big.velocities = Float64Array.from({ length: 3 * big.length }, (_, k) => small.velocities![k % 12]);
    const es = await engineFor(small);
    const eb = await engineFor(big);
    es.runVerlet(200, 1);
    eb.runVerlet(200, 1);
    expect(Math.abs(es.energy() / 4 - eb.energy() / big.length)).toBeLessThan(1e-9);
    const fs = es.forces(), fb = eb.forces();
    for (let c = 0; c < 27; c++) {
      expect(maxAbsDiff(fb.subarray(12 * c, 12 * c + 12), fs), `forces of image ${c}`).toBeLessThan(1e-8);
    }
  });
});
