// Thermostats and barostat of the generic MD driver on Foiles-Baskes-Daw Cu (Cu_u3.eam):
// canonical temperature mean and fluctuations for Langevin (BAOAB) and Nose-Hoover chains,
// Nose-Hoover's conserved quantity, and the Berendsen barostat's pressure and lattice constant.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bulk } from "../../src/structures/lattice.js";
import { MolecularDynamics, type DynamicsThermo } from "../../src/dynamics/driver.js";
import { maxwellBoltzmann, degreesOfFreedom } from "../../src/dynamics/velocities.js";
import { EamCalculator } from "../../src/eam/calculator.js";
import { readEamPotentialFile } from "../../src/potentials/eam-file.js";
import type { ThermostatSpec } from "../../src/dynamics/thermostats.js";
import { slope } from "../helpers/series.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const cu = readEamPotentialFile(join(ROOT, "potentials", "Cu_u3.eam"));

/**
 * Mean and standard deviation of a correlated series with their standard errors from block
 * averages (Flyvbjerg-Petersen): the blocks are much longer than the correlation time, so block
 * means and block variances are nearly independent samples.
 */
function blockStats(x: number[], blocks: number) {
  const len = Math.floor(x.length / blocks);
  const mean = x.slice(0, len * blocks).reduce((s, v) => s + v, 0) / (len * blocks);
  const bm: number[] = [], bv: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const part = x.slice(b * len, (b + 1) * len);
    bm.push(part.reduce((s, v) => s + v, 0) / len);
    bv.push(part.reduce((s, v) => s + (v - mean) ** 2, 0) / len);
  }
  const sd = (a: number[]) => {
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
  };
  const variance = bv.reduce((s, v) => s + v, 0) / blocks;
  const std = Math.sqrt(variance);
  return { mean, seMean: sd(bm) / Math.sqrt(blocks), std, seStd: sd(bv) / Math.sqrt(blocks) / (2 * std) };
}

async function sampleTemperature(thermostat: ThermostatSpec, equilibrate: number, production: number) {
  const atoms = bulk("Cu", "fcc", 3.615, 3);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 500, 5);
  const md = new MolecularDynamics(await EamCalculator.create(cu), atoms, { dt: 2, thermostat });
  md.run(equilibrate);
  const rows: DynamicsThermo[] = [];
  const t0 = performance.now();
  md.run(production, { thermoEvery: 1, onThermo: (r) => rows.push(r) });
  console.log(`${thermostat.kind}: ${production} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { rows: rows.slice(1), n: atoms.length };
}

// 108 atoms: Nf = 321 and the canonical relative std of the kinetic temperature is sqrt(2/Nf) =
// 7.9 %. 25,000 steps of 2 fs (50 ps) are about 250 thermostat times: the block standard errors of
// the mean (~0.4 %) and of the std (~1.5 % of itself) make the 4-sigma bands below tight enough to
// fail for a thermostat off by a few per cent or a wrong number of degrees of freedom
// (3N instead of 3N-3 shifts the mean by 0.9 %, more than 2 SE; the fluctuation band is ~6 % wide).
describe("thermostats hold the canonical temperature distribution (108 Cu atoms, 500 K)", () => {
  const T0 = 500;
  for (const spec of [
    { kind: "langevin", temperature: T0, tdamp: 100, seed: 3 },
    { kind: "nose-hoover", temperature: T0, tdamp: 100 },
  ] as ThermostatSpec[]) {
    it(`${spec.kind}: mean within 2 % and 4 SE, std of T = sqrt(2/(3N-3)) T within 4 SE, conserved quantity`, async () => {
      const { rows, n } = await sampleTemperature(spec, 2500, 25000);
      const T = rows.map((r) => r.temperature);
      const s = blockStats(T, 25);
      const expectedStd = Math.sqrt(2 / degreesOfFreedom(n)) * T0;
      console.log(`${spec.kind}: <T> = ${s.mean.toFixed(2)} +- ${s.seMean.toFixed(2)} K, std(T) = ${s.std.toFixed(2)} +- ${s.seStd.toFixed(2)} K (canonical ${expectedStd.toFixed(2)} K)`);
      // the statistics can resolve what is tested
      expect(s.seMean / T0).toBeLessThan(0.005);
      expect(s.seStd / expectedStd).toBeLessThan(0.03);
      expect(Math.abs(s.mean - T0) / T0).toBeLessThan(0.02);
      expect(Math.abs(s.mean - T0)).toBeLessThan(4 * s.seMean);
      expect(Math.abs(s.std - expectedStd)).toBeLessThan(4 * s.seStd);

      // The conserved quantity (E + KE + thermostat energy) stays constant to the integrator's
      // accuracy: its spread is a few per cent of the total energy's canonical spread
      // (sqrt(Nf/2) kT ~ 0.55 eV here) and it does not drift. A wrong sign or factor in the
      // thermostat's energy bookkeeping would make it wander like the total energy.
      const cons = rows.map((r) => r.conserved!);
      const tot = rows.map((r) => r.total);
      const spread = (a: number[]) => Math.max(...a) - Math.min(...a);
      const t = rows.map((r) => r.time);
      const trend = Math.abs(slope(t, cons) * (t[t.length - 1] - t[0])) / n;
      console.log(`${spec.kind}: conserved spread ${(spread(cons) / n).toExponential(2)} eV/atom, trend ${trend.toExponential(2)} eV/atom over 50 ps; total-energy spread ${(spread(tot) / n).toExponential(2)} eV/atom`);
      expect(spread(cons)).toBeLessThan(0.05 * spread(tot));
      expect(spread(cons) / n).toBeLessThan(2e-4);
      expect(trend).toBeLessThan(spec.kind === "nose-hoover" ? 2e-5 : 5e-5);
    }, 120_000);
  }
});

/** Lattice constant (A) of fcc Cu_u3 minimizing E(a) by golden section, from energies only. */
async function energyMinimumLattice(): Promise<number> {
  const calc = await EamCalculator.create(cu);
  const e = (a: number) => calc.calculate(bulk("Cu", "fcc", a, 2)).energy;
  let lo = 3.5, hi = 3.7;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = hi - g * (hi - lo), d = lo + g * (hi - lo);
  let fc = e(c), fd = e(d);
  while (hi - lo > 1e-9) {
    if (fc < fd) {
      hi = d; d = c; fd = fc; c = hi - g * (hi - lo); fc = e(c);
    } else {
      lo = c; c = d; fc = fd; d = lo + g * (hi - lo); fd = e(d);
    }
  }
  return 0.5 * (lo + hi);
}

describe("Berendsen barostat (Cu_u3)", () => {
  it("relaxes a strained crystal at 0 K to P = 0 and the energy-minimum lattice constant (iso and aniso)", async () => {
    const a0 = await energyMinimumLattice();
    // Foiles, Baskes and Daw 1986 fitted Cu_u3 to a = 3.615 A
    expect(Math.abs(a0 - 3.615)).toBeLessThan(1e-3);
    for (const couple of ["iso", "aniso"] as const) {
      const atoms = bulk("Cu", "fcc", a0, 3);
      // iso: 2 % uniform stretch; aniso: 2 % along x, -1 % along z
      const f = couple === "iso" ? [1.02, 1.02, 1.02] : [1.02, 1, 0.99];
      for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] *= f[k % 3];
      for (let k = 0; k < 9; k++) atoms.cell[k] *= f[k % 3];
      const md = new MolecularDynamics(await EamCalculator.create(cu), atoms, {
        dt: 2, barostat: { kind: "berendsen", pressure: 0, pdamp: 50, couple },
      });
      const p0 = md.thermo().pressure!;
      // Strain relaxes as exp(-t beta C / (3 pdamp)) with C = 3B (iso) or C11 - C12 (the tetragonal
      // mode, 43 GPa for this potential): time constants ~40 and 350 fs; 3000 steps are > 15 of them.
      md.run(3000);
      const row = md.thermo();
      const edge = [0, 4, 8].map((k) => md.atoms.cell[k] / 3);
      console.log(`${couple}: P ${p0.toFixed(0)} -> ${row.pressure!.toExponential(2)} bar, edges ${edge.map((x) => x.toFixed(7)).join(" ")} (a0 ${a0.toFixed(7)})`);
      expect(Math.abs(p0)).toBeGreaterThan(1e4);
      expect(Math.abs(row.pressure!)).toBeLessThan(0.1);
      for (const x of edge) expect(Math.abs(x - a0)).toBeLessThan(1e-6);
      // the cell stays orthogonal
      for (const k of [1, 2, 3, 5, 6, 7]) expect(md.atoms.cell[k]).toBe(0);
    }
  }, 60_000);

  it("holds the mean pressure of a 300 K crystal at the target (Langevin + Berendsen)", async () => {
    const a0 = 3.615;
    const atoms = bulk("Cu", "fcc", a0 * 1.01, 3);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 9);
    const target = 1000; // bar
    const md = new MolecularDynamics(await EamCalculator.create(cu), atoms, {
      dt: 2,
      thermostat: { kind: "langevin", temperature: 300, tdamp: 100, seed: 4 },
      barostat: { kind: "berendsen", pressure: target, pdamp: 500, couple: "iso" },
    });
    md.run(2000);
    const p: number[] = [], a: number[] = [];
    md.run(10000, { thermoEvery: 1, onThermo: (r) => { p.push(r.pressure!); a.push(Math.cbrt(r.volume!) / 3); } });
    const s = blockStats(p.slice(1), 20);
    const am = a.reduce((x, y) => x + y, 0) / a.length;
    console.log(`300 K: <P> = ${s.mean.toFixed(1)} +- ${s.seMean.toFixed(1)} bar (target ${target}), <a> = ${am.toFixed(5)} A`);
    // Berendsen's d ln V/dt is proportional to P - P0, so <P> - P0 vanishes up to ln(V_end/V_start)
    // over the run: the block standard error is the right yardstick.
    expect(Math.abs(s.mean - target)).toBeLessThan(4 * s.seMean + 20);
    expect(s.seMean).toBeLessThan(200);
    // thermal expansion: a(300 K) slightly above a(0 K) (1000 bar compresses by ~1e-4 only)
    expect(am).toBeGreaterThan(a0);
    expect(am).toBeLessThan(a0 * 1.006);
  }, 60_000);
});
