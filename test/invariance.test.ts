// Symmetries of the energy: translation, permutation, rotation (clusters), Newton's third law,
// per-atom energies adding up, and the SIMD and scalar kernels agreeing with each other.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { Random } from "../src/dynamics/random.js";
import { EamCalculator, type EamResults } from "../src/eam/calculator.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { expectClose } from "./helpers/compare.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const POT = join(ROOT, "potentials");
const REF = join(ROOT, "test", "fixtures", "ref");

const pots = new Map<string, EamPotential>();
function pot(name: string): EamPotential {
  if (!pots.has(name)) pots.set(name, readEamPotentialFile(join(POT, name)));
  return pots.get(name)!;
}
const fixture = (name: string) => readExtxyzFile(join(REF, name))[0];

function rattle(atoms: Atoms, amplitude: number, seed: number): Atoms {
  const out = atoms.copy();
  const rng = new Random(seed);
  for (let k = 0; k < out.positions.length; k++) out.positions[k] += amplitude * rng.normal();
  return out;
}

function translated(atoms: Atoms, t: [number, number, number]): Atoms {
  const out = atoms.copy();
  for (let i = 0; i < out.length; i++) for (let d = 0; d < 3; d++) out.positions[3 * i + d] += t[d];
  return out;
}

/** Rotation matrix (row-major) about a unit axis by angle theta (Rodrigues). */
function rotation(axis: [number, number, number], theta: number): number[] {
  const n = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / n);
  const c = Math.cos(theta), s = Math.sin(theta), C = 1 - c;
  return [
    c + x * x * C, x * y * C - z * s, x * z * C + y * s,
    y * x * C + z * s, c + y * y * C, y * z * C - x * s,
    z * x * C - y * s, z * y * C + x * s, c + z * z * C,
  ];
}

/** v' = R v for each row-major 3-vector. */
function rotateVectors(v: ArrayLike<number>, r: number[]): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i += 3) {
    for (let a = 0; a < 3; a++) out[i + a] = r[3 * a] * v[i] + r[3 * a + 1] * v[i + 1] + r[3 * a + 2] * v[i + 2];
  }
  return out;
}

/** Structures used by several checks: [label, atoms, potential file]. */
function systems(): [string, Atoms, string][] {
  return [
    ["Cu triclinic (periodic)", fixture("cu_u3_triclinic_3x3x3.extxyz"), "Cu_u3.eam"],
    ["CuNi rattled (periodic)", fixture("cuni_rattled_2x2x3.extxyz"), "CuNi.eam.alloy"],
    ["AlFe rattled (periodic, fs)", fixture("alfe_mm_rattled_3x3x3.extxyz"), "AlFe_mm.eam.fs"],
    ["CuNi slab (T T F)", fixture("cuni_slab001.extxyz"), "CuNi.eam.alloy"],
    ["Cu cluster (F F F)", fixture("cu_u3_cluster.extxyz"), "Cu_u3.eam"],
    ["Fe cluster (F F F)", fixture("fe_mm_cluster.extxyz"), "Fe_mm.eam.fs"],
  ];
}

/** A test per system: `check` gets its label, the structure, a fresh calculator and its first results. */
function forEachSystem(title: string, check: (label: string, atoms: Atoms, calc: EamCalculator, r0: EamResults) => void): void {
  describe(title, () => {
    for (const [label, atoms, file] of systems()) {
      it(label, async () => {
        const calc = await EamCalculator.create(pot(file));
        check(label, atoms, calc, calc.calculate(atoms));
      });
    }
  });
}

forEachSystem("translation invariance", (label, atoms, calc, r0) => {
  // arbitrary vectors: small, across the cell boundary, several cells away, negative
  const shifts: [number, number, number][] = [
    [0.123456789, -0.3141592, 0.2718281],
    [5.4321, -7.77, 3.3],
    [-23.45, 31.7, -17.2],
  ];
  for (const t of shifts) {
    const r = calc.calculate(translated(atoms, t));
    expect(Math.abs(r.energy - r0.energy), `${label}: energy after translating by ${t}`).toBeLessThanOrEqual(1e-10);
    expectClose(r.forces, r0.forces, 1e-9, `${label}: forces after translating by ${t}`);
    expectClose(r.energies, r0.energies, 1e-10, `${label}: per-atom energies after translating by ${t}`);
    if (r0.stress) expectClose(r.stress!, r0.stress, 1e-12, `${label}: stress after translating by ${t}`);
  }
});

forEachSystem("permutation of atoms", (label, atoms, calc, r0) => {
  const n = atoms.length;
  // a seeded shuffle: new atom k is old atom perm[k]
  const perm = Array.from({ length: n }, (_, i) => i);
  const rng = new Random(42);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const p = new Atoms({
    symbols: perm.map((k) => atoms.symbols[k]),
    positions: perm.flatMap((k) => [0, 1, 2].map((d) => atoms.positions[3 * k + d])),
    cell: atoms.cell,
    pbc: atoms.pbc,
  });
  const r = calc.calculate(p);
  expect(Math.abs(r.energy - r0.energy), `${label}: total energy after permutation`).toBeLessThanOrEqual(1e-10);
  const wantE = perm.map((k) => r0.energies[k]);
  const wantF = perm.flatMap((k) => [0, 1, 2].map((d) => r0.forces[3 * k + d]));
  expectClose(r.energies, wantE, 1e-11, `${label}: per-atom energies permute`);
  expectClose(r.forces, wantF, 1e-10, `${label}: forces permute`);
  expectClose(r.densities, perm.map((k) => r0.densities[k]), 1e-10, `${label}: densities permute`);
});

describe("rotation of a cluster", () => {
  for (const [label, file, potFile] of [
    ["Cu cluster", "cu_u3_cluster.extxyz", "Cu_u3.eam"],
    ["Fe cluster", "fe_mm_cluster.extxyz", "Fe_mm.eam.fs"],
  ] as const) {
    it(`${label}: energy invariant, forces rotate, virial rotates`, async () => {
      const atoms = fixture(file);
      const calc = await EamCalculator.create(pot(potFile));
      const r0 = calc.calculate(atoms);
      for (const [axis, theta] of [
        [[0.3, -0.5, 0.81], 1.234],
        [[1, 1, 1], (2 * Math.PI) / 3 + 0.1],
        [[0, 0, 1], Math.PI],
      ] as [[number, number, number], number][]) {
        const R = rotation(axis, theta);
        const rotated = atoms.copy();
        rotated.positions = rotateVectors(atoms.positions, R);
        const r = calc.calculate(rotated);
        expect(Math.abs(r.energy - r0.energy), `${label}: energy after rotation about ${axis} by ${theta}`).toBeLessThanOrEqual(1e-10);
        expectClose(r.forces, rotateVectors(r0.forces, R), 1e-9, `${label}: forces rotate with the structure`);
        expectClose(r.energies, r0.energies, 1e-10, `${label}: per-atom energies unchanged by rotation`);
        // W' = R W R^T
        const W = r0.virial;
        const want = new Array(9).fill(0);
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 3; c++) for (let d = 0; d < 3; d++) {
          want[3 * a + b] += R[3 * a + c] * W[3 * c + d] * R[3 * b + d];
        }
        expectClose(r.virial, want, 1e-9, `${label}: virial transforms as R W R^T`);
      }
    });
  }
});

forEachSystem("Newton's third law and per-atom energies", (label, atoms, _calc, r) => {
  const n = atoms.length;
  const sum = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) sum[d] += r.forces[3 * i + d];
  for (let d = 0; d < 3; d++) expect(Math.abs(sum[d]), `${label}: total force ${"xyz"[d]}`).toBeLessThanOrEqual(1e-10 * n);
  const esum = r.energies.reduce((s, e) => s + e, 0);
  expect(Math.abs(esum - r.energy), `${label}: sum of per-atom energies ${esum} vs energy ${r.energy}`).toBeLessThanOrEqual(1e-10 * n);
  // a free cluster also has zero total torque
  if (!atoms.pbc.some((p) => p)) {
    const tq = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const [x, y, z] = [0, 1, 2].map((d) => atoms.positions[3 * i + d]);
      const [fx, fy, fz] = [0, 1, 2].map((d) => r.forces[3 * i + d]);
      tq[0] += y * fz - z * fy;
      tq[1] += z * fx - x * fz;
      tq[2] += x * fy - y * fx;
    }
    for (let d = 0; d < 3; d++) expect(Math.abs(tq[d]), `${label}: total torque ${"xyz"[d]}`).toBeLessThanOrEqual(1e-9 * n);
  }
});

describe("SIMD and scalar kernels agree", () => {
  function relClose(a: EamResults, b: EamResults, what: string): void {
    const rel = (x: ArrayLike<number>, y: ArrayLike<number>, name: string) => {
      let scale = 0;
      for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
      expectClose(x, y, 1e-12 * scale, `${what}: ${name} (simd vs scalar, 1e-12 relative)`);
    };
    expect(Math.abs(a.energy - b.energy), `${what}: energy simd ${a.energy} vs scalar ${b.energy}`).toBeLessThanOrEqual(1e-12 * Math.abs(b.energy));
    rel(a.forces, b.forces, "forces");
    rel(a.energies, b.energies, "per-atom energies");
    rel(a.virial, b.virial, "virial");
    rel(a.densities, b.densities, "densities");
    if (b.stress) rel(a.stress!, b.stress, "stress");
  }

  it("500-atom rattled fcc Cu (5x5x5)", async () => {
    const atoms = rattle(bulk("Cu", "fcc", 3.615, 5), 0.1, 99);
    expect(atoms.length).toBe(500);
    const simd = await EamCalculator.create(pot("Cu_u3.eam"), { variant: "simd" });
    const scalar = await EamCalculator.create(pot("Cu_u3.eam"), { variant: "scalar" });
    expect(simd.engine.variant).toBe("simd");
    expect(scalar.engine.variant).toBe("scalar");
    relClose(simd.calculate(atoms), scalar.calculate(atoms), "Cu 500");
  });

  it("500-atom rattled CuNi and AlFe alloys", async () => {
    for (const [file, symbolsFor, lattice, a] of [
      ["CuNi.eam.alloy", ["Cu", "Ni"], "fcc", 3.57],
      ["AlFe_mm.eam.fs", ["Fe", "Al"], "bcc", 2.87],
    ] as const) {
      const base = rattle(lattice === "fcc" ? bulk("Cu", "fcc", a, 5) : bulk("Fe", "bcc", a, [5, 5, 5]), 0.1, 7);
      const rng = new Random(8);
      const atoms = new Atoms({
        symbols: base.symbols.map(() => symbolsFor[rng.uniform() < 0.6 ? 0 : 1]),
        positions: base.positions,
        cell: base.cell,
        pbc: [true, true, true],
      });
      const simd = await EamCalculator.create(pot(file), { variant: "simd" });
      const scalar = await EamCalculator.create(pot(file), { variant: "scalar" });
      relClose(simd.calculate(atoms), scalar.calculate(atoms), file);
    }
  });
});
