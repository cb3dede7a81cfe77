// Agreement with LAMMPS (test/fixtures/ref, see its README) for both kernel builds, plus generated
// edge cases checked against each other: cells shorter than the cutoff (an atom sees several
// images of itself), a general (not LAMMPS-restricted) triclinic cell, and a slab whose energy must
// not depend on the vacuum along its open direction.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { Random } from "../src/dynamics/random.js";
import { EamCalculator } from "../src/eam/calculator.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { bundledPotential, expectClose } from "./helpers/compare.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const REF = join(ROOT, "test", "fixtures", "ref");
const FIXTURES = readdirSync(REF)
  .filter((f) => f.endsWith(".extxyz"))
  .sort();
const VARIANTS: KernelVariant[] = ["simd", "scalar"];

// Tolerances against LAMMPS. An independent re-implementation reaches ~1e-13; these leave room for
// summation order only, and are far below any interpolation difference (~1e-3 on coarse tables).
const TOL = {
  energyPerAtom: 1e-9, // eV
  atomEnergy: 1e-9, // eV
  force: 1e-8, // eV/A
  stress: 1e-9, // eV/A^3
  virial: 1e-8, // eV (clusters: magnitudes ~40 eV, so ~1e-10 relative)
};

const potential = bundledPotential;

/** Full row-major 3x3 -> Voigt xx yy zz yz xz xy. */
function voigt(m: ArrayLike<number>): number[] {
  return [m[0], m[4], m[8], m[5], m[2], m[1]];
}

function rattle(atoms: Atoms, amplitude: number, seed: number): Atoms {
  const out = atoms.copy();
  const rng = new Random(seed);
  for (let k = 0; k < out.positions.length; k++) out.positions[k] += amplitude * (2 * rng.uniform() - 1);
  return out;
}

/** Row vectors times a 3x3 matrix m (row-major): x' = x . m, applied to cell rows and positions. */
function transform(atoms: Atoms, m: number[]): Atoms {
  const out = atoms.copy();
  const apply = (v: Float64Array) => {
    for (let i = 0; i < v.length; i += 3) {
      const [x, y, z] = [v[i], v[i + 1], v[i + 2]];
      v[i] = x * m[0] + y * m[3] + z * m[6];
      v[i + 1] = x * m[1] + y * m[4] + z * m[7];
      v[i + 2] = x * m[2] + y * m[5] + z * m[8];
    }
  };
  apply(out.positions);
  apply(out.cell);
  return out;
}

/** The na x nb x nc supercell; atom p of image (i, j, k) is at index ((i*nb + j)*nc + k)*N + p. */
function replicate(atoms: Atoms, [na, nb, nc]: [number, number, number]): Atoms {
  const n = atoms.length;
  const c = atoms.cell;
  const pos = new Float64Array(3 * n * na * nb * nc);
  const symbols: string[] = [];
  let w = 0;
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      for (let k = 0; k < nc; k++) {
        for (let p = 0; p < n; p++) {
          for (let d = 0; d < 3; d++) pos[w++] = atoms.positions[3 * p + d] + i * c[d] + j * c[3 + d] + k * c[6 + d];
          symbols.push(atoms.symbols[p]);
        }
      }
    }
  }
  const cell = [na * c[0], na * c[1], na * c[2], nb * c[3], nb * c[4], nb * c[5], nc * c[6], nc * c[7], nc * c[8]];
  return new Atoms({ symbols, positions: pos, cell, pbc: atoms.pbc });
}

describe("LAMMPS reference configurations", () => {
  it("the fixture set is present", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(13);
  });

  for (const file of FIXTURES) {
    describe(file, () => {
      const atoms = readExtxyzFile(join(REF, file))[0];
      const info = atoms.info;
      for (const variant of VARIANTS) {
        it(`${variant} kernels match LAMMPS`, async () => {
          const pot = potential(String(info.potential));
          const style = String(info.pair_style);
          expect(pot.style, `pair_style of ${file}`).toBe(style);
          const calc = await EamCalculator.create(pot, { variant });
          const r = calc.calculate(atoms);
          const n = atoms.length;
          const refE = info.energy as number;
          const dE = Math.abs(r.energy - refE) / n;
          expect(dE, `${file} ${variant}: |E - E_ref|/N (E=${r.energy}, ref ${refE})`).toBeLessThanOrEqual(TOL.energyPerAtom);
          expectClose(r.energies, atoms.arrays.energies.data as Float64Array, TOL.atomEnergy, `${file} ${variant} per-atom energies`);
          expectClose(r.forces, atoms.arrays.forces.data as Float64Array, TOL.force, `${file} ${variant} forces`);
          // per-atom energies must add up to the total
          const sum = r.energies.reduce((s, e) => s + e, 0);
          expect(Math.abs(sum - r.energy), `${file} ${variant}: sum of per-atom energies`).toBeLessThanOrEqual(1e-9);
          const refStress = info.stress as number[] | undefined;
          if (atoms.pbc.some((p) => p)) {
            expect(refStress, `${file} has a reference stress`).toBeDefined();
            expect(r.stress, `${file} ${variant}: stress of a periodic structure`).not.toBeNull();
            expectClose(r.stress!, voigt(refStress!), TOL.stress, `${file} ${variant} stress (Voigt)`);
          } else {
            expect(refStress).toBeUndefined();
            expect(r.stress, `${file} ${variant}: cluster has no stress`).toBeNull();
          }
          expectClose(r.virial, info.virial as number[], TOL.virial, `${file} ${variant} virial`);
          // ASE convention: stress = -W/V, consistent with the returned virial
          if (r.stress) {
            const v = atoms.volume();
            expectClose(r.stress, voigt(r.virial).map((w) => -w / v), 1e-15, `${file} ${variant} stress = -W/V`);
          }
        });
      }
    });
  }
});

describe("generated edge cases (self-consistency, no LAMMPS)", () => {
  let cu: EamPotential;
  let cuni: EamPotential;
  beforeAll(() => {
    cu = potential("Cu_u3.eam");
    cuni = potential("CuNi.eam.alloy");
  });

  /** Same energy per atom and same forces on corresponding atoms for a cell and its 3x3x3 replica. */
  async function compareWithReplica(small: Atoms, pot: EamPotential, variant: KernelVariant, label: string): Promise<void> {
    const big = replicate(small, [3, 3, 3]);
    const calc = await EamCalculator.create(pot, { variant });
    const rs = calc.calculate(small);
    const rb = calc.calculate(big);
    const n = small.length;
    const es = rs.energy / n;
    const eb = rb.energy / big.length;
    expect(Math.abs(es - eb) / Math.abs(eb), `${label}: energy per atom, small ${es} vs replica ${eb}`).toBeLessThanOrEqual(1e-10);
    for (let img = 0; img < 27; img++) {
      const f = rb.forces.subarray(3 * n * img, 3 * n * (img + 1));
      expectClose(f, rs.forces, 1e-9, `${label}: forces of replica image ${img}`);
      const e = rb.energies.subarray(n * img, n * (img + 1));
      expectClose(e, rs.energies, 1e-10, `${label}: per-atom energies of replica image ${img}`);
    }
    // intensive stress is the same too
    expectClose(rb.stress!, rs.stress!, 1e-10, `${label}: stress`);
  }

  for (const variant of VARIANTS) {
    it(`${variant}: cubic fcc cell shorter than the cutoff (L = 3.615 < 4.95 A) equals its 3x3x3 replica`, async () => {
      const small = rattle(bulk("Cu", "fcc", 3.615, 1), 0.05, 7);
      expect(small.cell[0]).toBeLessThan(cu.cutoff);
      await compareWithReplica(small, cu, variant, `${variant} cubic 4-atom cell`);
    });

    it(`${variant}: sheared triclinic cell shorter than the cutoff equals its 3x3x3 replica`, async () => {
      // general shear (not LAMMPS' restricted form), applied to cell rows and positions alike
      const shear = [1, 0.06, -0.04, 0.15, 1, 0.05, -0.1, 0.12, 1];
      const small = rattle(transform(bulk("Cu", "fcc", 3.615, 1), shear), 0.05, 11);
      await compareWithReplica(small, cu, variant, `${variant} triclinic 4-atom cell`);
    });

    it(`${variant}: CuNi alloy 1x1x2 cell (widths < 2 cutoff) equals its 3x3x3 replica`, async () => {
      const small = rattle(bulk("Cu", "fcc", 3.56, [1, 1, 2]), 0.05, 13);
      small.symbols = small.symbols.map((s, i) => (i % 3 === 0 ? "Ni" : s));
      const fixed = new Atoms({ symbols: small.symbols, positions: small.positions, cell: small.cell, pbc: small.pbc });
      await compareWithReplica(fixed, cuni, variant, `${variant} CuNi 8-atom cell`);
    });

    it(`${variant}: slab (pbc T T F) energy does not depend on the vacuum along c`, async () => {
      const base = rattle(bulk("Cu", "fcc", 3.615, [2, 2, 3]), 0.05, 17);
      const withVacuum = (c: number) => {
        const a = base.copy();
        a.cell[8] = c;
        a.pbc = [true, true, false];
        return a;
      };
      const calc = await EamCalculator.create(cu, { variant });
      const r20 = calc.calculate(withVacuum(20));
      const r40 = calc.calculate(withVacuum(40));
      expect(Math.abs(r20.energy - r40.energy) / Math.abs(r40.energy), `slab energy c=20 ${r20.energy} vs c=40 ${r40.energy}`).toBeLessThanOrEqual(1e-10);
      expectClose(r20.forces, r40.forces, 1e-9, `${variant} slab forces c=20 vs c=40`);
      expectClose(r20.virial, r40.virial, 1e-9, `${variant} slab virial c=20 vs c=40`);
      // the slab is not the bulk: the surfaces cost energy
      const bulkE = calc.calculate(base).energy;
      expect(r20.energy).toBeGreaterThan(bulkE + 1);
      // an open direction's vector plays no role: shorter than the slab, or tilted
      const thin = withVacuum(5);
      const tilted = withVacuum(25);
      tilted.cell.set([3.1, -2.2, 25], 6);
      for (const [label, a] of [["c = 5 A (atoms beyond c)", thin], ["tilted c", tilted]] as const) {
        const r = calc.calculate(a);
        expect(Math.abs(r.energy - r40.energy), `${variant} slab ${label}: energy ${r.energy} vs ${r40.energy}`).toBeLessThanOrEqual(1e-10 * Math.abs(r40.energy));
        expectClose(r.forces, r40.forces, 1e-9, `${variant} slab ${label}: forces`);
      }
    });

    it(`${variant}: slab periodic along b and c (open direction a) equals the T T F slab with permuted axes`, async () => {
      const slab = rattle(bulk("Cu", "fcc", 3.615, [2, 2, 3]), 0.05, 19);
      slab.pbc = [true, true, false];
      slab.cell[8] = 30;
      // (x, y, z) -> (z, x, y): a slab normal to x, periodic along y and z
      const p = slab.positions;
      const perm = new Atoms({
        symbols: slab.symbols,
        positions: Array.from({ length: p.length }, (_, k) => p[k - (k % 3) + ((k % 3) + 2) % 3]),
        cell: [30, 0, 0, 0, slab.cell[0], 0, 0, 0, slab.cell[4]],
        pbc: [false, true, true],
      });
      const calc = await EamCalculator.create(cu, { variant });
      const r0 = calc.calculate(slab);
      const r1 = calc.calculate(perm);
      expect(Math.abs(r1.energy - r0.energy) / Math.abs(r0.energy), `F T T slab ${r1.energy} vs T T F slab ${r0.energy}`).toBeLessThanOrEqual(1e-10);
      const want = Array.from({ length: p.length }, (_, k) => r0.forces[k - (k % 3) + ((k % 3) + 2) % 3]);
      expectClose(r1.forces, want, 1e-9, `${variant} F T T slab forces (permuted)`);
    });

    it(`${variant}: wire (pbc F F T) one cell long (3.615 A < cutoff) equals the same wire three cells long`, async () => {
      const wire = rattle(bulk("Cu", "fcc", 3.615, [2, 2, 1]), 0.05, 23);
      wire.pbc = [false, false, true];
      const long = replicate(wire, [1, 1, 3]);
      const calc = await EamCalculator.create(cu, { variant });
      const r1 = calc.calculate(wire);
      const r3 = calc.calculate(long);
      expect(Math.abs(3 * r1.energy - r3.energy) / Math.abs(r3.energy), `wire ${3 * r1.energy} vs ${r3.energy}`).toBeLessThanOrEqual(1e-10);
      for (let img = 0; img < 3; img++) {
        expectClose(r3.forces.subarray(3 * wire.length * img, 3 * wire.length * (img + 1)), r1.forces, 1e-9, `${variant} wire image ${img} forces`);
      }
    });

    it(`${variant}: the same lattice described by a strongly tilted cell (unimodular change of cell rows)`, async () => {
      const base = rattle(bulk("Cu", "fcc", 3.615, 2), 0.05, 29);
      const h = base.cell;
      const row = (k: number) => [h[3 * k], h[3 * k + 1], h[3 * k + 2]];
      const [a, b, c] = [row(0), row(1), row(2)];
      // a' = a, b' = b + 3a, c' = c - 2a + b: determinant 1, same periodic lattice, tilt factors > 1
      const tilted = base.copy();
      tilted.cell.set([...a, ...b.map((v, d) => v + 3 * a[d]), ...c.map((v, d) => v - 2 * a[d] + b[d])]);
      const calc = await EamCalculator.create(cu, { variant });
      const r0 = calc.calculate(base);
      const r1 = calc.calculate(tilted);
      expect(Math.abs(r1.energy - r0.energy) / Math.abs(r0.energy), `tilted ${r1.energy} vs ${r0.energy}`).toBeLessThanOrEqual(1e-10);
      expectClose(r1.forces, r0.forces, 1e-9, `${variant} tilted-cell forces`);
      expectClose(r1.stress!, r0.stress!, 1e-10, `${variant} tilted-cell stress`);
    });

    it(`${variant}: an isolated atom far away adds nothing to a cluster`, async () => {
      const cl = readExtxyzFile(join(REF, "cu_u3_cluster.extxyz"))[0];
      const far = new Atoms({
        symbols: [...cl.symbols, "Cu"],
        positions: [...cl.positions, 5000, -3000, 10000],
        pbc: [false, false, false],
      });
      const calc = await EamCalculator.create(cu, { variant });
      const r0 = calc.calculate(cl);
      const r1 = calc.calculate(far);
      expect(Math.abs(r1.energy - r0.energy)).toBeLessThanOrEqual(1e-10);
      expect(r1.energies[cl.length]).toBe(0);
      expectClose(r1.forces.subarray(0, 3 * cl.length), r0.forces, 1e-10, `${variant} cluster forces with a far atom`);
      expectClose(r1.forces.subarray(3 * cl.length), [0, 0, 0], 0, `${variant} force on the far atom`);
    });
  }
});
