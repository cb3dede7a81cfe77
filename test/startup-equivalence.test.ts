// Start-up code rewritten for cold-code speed (issue 16) must give the numbers of the code it
// replaced, bit for bit: Random.fillNormal against calls of normal(), maxwellBoltzmann against the
// per-component loop it had, bulk against the destructuring loop, Atoms' masses against massOf,
// pressureTensor against its nested loop, interpolate against its index helper, the run guard's checks of an Atoms naming the same atom.
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { BOLTZMANN, FTM } from "../src/eam/engine.js";
import { massOf } from "../src/elements.js";
import { Random } from "../src/dynamics/random.js";
import { kineticEnergy, maxwellBoltzmann, temperatureOf } from "../src/dynamics/velocities.js";
import { bulk } from "../src/structures/lattice.js";
import { pressureTensor } from "../src/dynamics/barostat.js";
import { RunGuard } from "../src/dynamics/guard.js";
import { interpolate } from "../src/potentials/spline.js";

function bits(a: ArrayLike<number>): string[] {
  const dv = new DataView(new ArrayBuffer(8));
  return Array.from(a, (v) => {
    dv.setFloat64(0, v);
    return dv.getBigUint64(0).toString(16);
  });
}

/** maxwellBoltzmann as it was: one normal() per component, momentum in an array. */
function maxwellBefore(masses: ArrayLike<number>, temperature: number, seed: number): Float64Array {
  const n = masses.length;
  const v = new Float64Array(3 * n);
  if (temperature === 0 || n < 2) return v;
  const rng = new Random(seed);
  let mt = 0;
  const p = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const sigma = Math.sqrt((BOLTZMANN * temperature * FTM) / masses[i]);
    for (let d = 0; d < 3; d++) {
      v[3 * i + d] = sigma * rng.normal();
      p[d] += masses[i] * v[3 * i + d];
    }
    mt += masses[i];
  }
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) v[3 * i + d] -= p[d] / mt;
  const t = temperatureOf(kineticEnergy(v, masses), n);
  const f = t > 0 ? Math.sqrt(temperature / t) : 0;
  for (let k = 0; k < v.length; k++) v[k] *= f;
  return v;
}

describe("start-up rewrites give the same bits", () => {
  it("fillNormal draws what normal() draws, spare and state included", () => {
    for (const [seed, len, pre] of [[1, 0, 0], [2, 1, 0], [3, 7, 1], [4, 1000, 3], [5, 1001, 0]]) {
      const a = new Random(seed), b = new Random(seed);
      for (let k = 0; k < pre; k++) expect(a.normal()).toBe(b.normal());
      const out = new Float64Array(len);
      a.fillNormal(out);
      const ref = Float64Array.from({ length: len }, () => b.normal());
      expect(bits(out)).toEqual(bits(ref));
      expect(a.getState()).toEqual(b.getState());
      expect(a.normal()).toBe(b.normal());
    }
  });

  it("maxwellBoltzmann is the per-component loop's", () => {
    const masses = Float64Array.from({ length: 501 }, (_, i) => (i % 3 === 0 ? 26.98 : 15.999));
    for (const [t, seed] of [[300, 1], [1600, 376847], [0.5, -4]]) {
      expect(bits(maxwellBoltzmann(masses, t, seed))).toEqual(bits(maxwellBefore(masses, t, seed)));
    }
  });

  it("bulk positions and masses are the destructuring loop's and massOf's", () => {
    for (const s of ["fcc", "bcc", "sc", "diamond"] as const) {
      const a = bulk("Cu", s, 3.615, [2, 3, 4]);
      const ref: number[] = [];
      const basis = { sc: [[0, 0, 0]], bcc: [[0, 0, 0], [0.5, 0.5, 0.5]], fcc: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]],
        diamond: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0], [0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25]] }[s];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let l = 0; l < 4; l++) {
        for (const [fx, fy, fz] of basis) ref.push((i + fx) * 3.615, (j + fy) * 3.615, (l + fz) * 3.615);
      }
      expect(bits(a.positions)).toEqual(bits(ref));
      expect(Array.from(a.masses)).toEqual(a.symbols.map((x) => massOf(x)));
    }
    const mixed = new Atoms({ symbols: ["Al", "Al", "O", "Al", "O", "O"], positions: new Float64Array(18) });
    expect(Array.from(mixed.masses)).toEqual(mixed.symbols.map((x) => massOf(x)));
    expect(() => new Atoms({ symbols: ["Al", "Xx"], positions: new Float64Array(6) })).toThrow(/atom 1: unknown chemical symbol 'Xx'|unknown chemical symbol 'Xx'/);
  });

  it("pressureTensor is the nested loop's", () => {
    const n = 301, rng = new Random(3);
    const masses = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 63.546 : 1.008));
    const v = Float64Array.from({ length: 3 * n }, () => rng.normal() * 0.01);
    const virial = Float64Array.from({ length: 9 }, () => rng.normal());
    const p = new Float64Array(9);
    for (let i = 0; i < n; i++) {
      const m = masses[i] / FTM;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) p[3 * a + b] += m * v[3 * i + a] * v[3 * i + b];
    }
    for (let k = 0; k < 9; k++) p[k] = ((p[k] + virial[k]) / 1234.5) * 1.6021765e6;
    expect(bits(pressureTensor(v, masses, virial, 1234.5))).toEqual(bits(p));
  });

  it("the run guard names the first atom with a non-finite position or velocity, and a lost atom", () => {
    const a = bulk("Cu", "fcc", 3.615, 2);
    a.velocities = new Float64Array(3 * a.length);
    const sample = (atoms: Atoms) => ({ step: 7, atoms, temperature: 300, conserved: 0, dangerousBuilds: 0 });
    const guard = new RunGuard();
    guard.begin(sample(a));
    for (const [what, k, value] of [["positions", 20, NaN], ["velocities", 13, Infinity], ["velocities", 0, -Infinity]] as const) {
      const b = a.copy();
      (what === "positions" ? b.positions : b.velocities!)[k] = value;
      expect(() => guard.check(sample(b))).toThrow(`MD stopped at step 7: atom ${Math.floor(k / 3)} has a non-finite position or velocity`);
    }
    const c = a.copy();
    c.positions[3 * 5 + 1] = -3 * 7.23;
    expect(() => guard.check(sample(c))).toThrow("atom 5 left the periodic cell");
    // an engine's columns (one array per component)
    const n = a.length;
    const cols = (p: Float64Array, d: number) => Float64Array.from({ length: n }, (_, i) => p[3 * i + d]);
    const columns = (b: Atoms) => ({
      n, cell: b.cell, pbc: b.pbc, off: [0, 0, 0] as [number, number, number], stride: 1,
      pos: [0, 1, 2].map((d) => cols(b.positions, d)) as [Float64Array, Float64Array, Float64Array],
      vel: [0, 1, 2].map((d) => cols(b.velocities!, d)) as [Float64Array, Float64Array, Float64Array],
    });
    guard.check({ ...sample(a), atoms: columns(a) });
    const d = a.copy();
    d.velocities![3 * 9 + 2] = NaN;
    expect(() => guard.check({ ...sample(d), atoms: columns(d) })).toThrow("atom 9 has a non-finite position or velocity");
  });

  it("interpolate's records are the index helper's", () => {
    const before = (f: ArrayLike<number>, delta: number): Float64Array => {
      const n = f.length, c = new Float64Array(7 * n);
      const at = (m: number, j: number) => 7 * (m - 1) + j;
      for (let m = 1; m <= n; m++) c[at(m, 6)] = f[m - 1];
      c[at(1, 5)] = c[at(2, 6)] - c[at(1, 6)];
      c[at(2, 5)] = 0.5 * (c[at(3, 6)] - c[at(1, 6)]);
      c[at(n - 1, 5)] = 0.5 * (c[at(n, 6)] - c[at(n - 2, 6)]);
      c[at(n, 5)] = c[at(n, 6)] - c[at(n - 1, 6)];
      for (let m = 3; m <= n - 2; m++) c[at(m, 5)] = ((c[at(m - 2, 6)] - c[at(m + 2, 6)]) + 8.0 * (c[at(m + 1, 6)] - c[at(m - 1, 6)])) / 12.0;
      for (let m = 1; m <= n - 1; m++) {
        c[at(m, 4)] = 3.0 * (c[at(m + 1, 6)] - c[at(m, 6)]) - 2.0 * c[at(m, 5)] - c[at(m + 1, 5)];
        c[at(m, 3)] = c[at(m, 5)] + c[at(m + 1, 5)] - 2.0 * (c[at(m + 1, 6)] - c[at(m, 6)]);
      }
      c[at(n, 4)] = 0.0;
      c[at(n, 3)] = 0.0;
      for (let m = 1; m <= n; m++) {
        c[at(m, 2)] = c[at(m, 5)] / delta;
        c[at(m, 1)] = (2.0 * c[at(m, 4)]) / delta;
        c[at(m, 0)] = (3.0 * c[at(m, 3)]) / delta;
      }
      return c;
    };
    const rng = new Random(11);
    for (const n of [3, 4, 5, 6, 500]) {
      const f = Float64Array.from({ length: n }, (_, i) => Math.sin(0.01 * i) + rng.normal());
      expect(bits(interpolate(f, 0.013).coeffs)).toEqual(bits(before(f, 0.013)));
    }
  });
});
