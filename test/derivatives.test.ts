// Forces and stress against central finite differences of the energy.
//
// Tolerances come from the method, not from the implementation:
// * The tables are LAMMPS cubic Hermite splines (C1, with second-derivative jumps at the knots of
//   order dx^2 f'''' for these smooth tables). A central difference with h = 1e-5 A has truncation
//   error ~ h^2/6 |E'''| ~ 1e-10 eV/A inside an interval, and at worst ~ h/4 * (f'' jump) ~ 1e-8
//   eV/A when a pair distance straddles a knot. Round-off is ~ 1e-16 |E| / h ~ 1e-9 eV/A for
//   |E| ~ 400 eV. All far below the 1e-6 eV/A tolerance. (LAMMPS' own forces reproduce its FD
//   forces to 4e-8 eV/A on these systems: test/fixtures/ref/README.md.)
// * Stress with eps = 1e-6: round-off ~ 1e-16 |E| / (eps V) ~ 1e-11 eV/A^3, truncation
//   ~ eps^2, so 1e-8 eV/A^3 is loose.
// The calculator keeps its neighbor list while atoms move less than skin/2 (a displacement of
// 1e-5 A never triggers a rebuild); a strained cell is a new system and gets a fresh list.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { Random } from "../src/dynamics/random.js";
import { EamCalculator } from "../src/eam/calculator.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const POT = join(ROOT, "potentials");
const REF = join(ROOT, "test", "fixtures", "ref");

const H = 1e-5; // A
const FORCE_TOL = 1e-6; // eV/A
const EPS = 1e-6;
const STRESS_TOL = 1e-8; // eV/A^3

function rattle(atoms: Atoms, amplitude: number, seed: number): Atoms {
  const out = atoms.copy();
  const rng = new Random(seed);
  for (let k = 0; k < out.positions.length; k++) out.positions[k] += amplitude * rng.normal();
  return out;
}

/** Central-difference forces -dE/dx for every coordinate; returns the largest deviation. */
function checkForcesFD(calc: EamCalculator, atoms: Atoms, label: string): number {
  const ref = calc.calculate(atoms);
  const analytic = ref.forces;
  const work = atoms.copy();
  let worst = 0;
  let where = "";
  for (let k = 0; k < work.positions.length; k++) {
    const x0 = atoms.positions[k];
    work.positions[k] = x0 + H;
    const ep = calc.calculate(work).energy;
    work.positions[k] = x0 - H;
    const em = calc.calculate(work).energy;
    work.positions[k] = x0;
    const fd = -(ep - em) / (2 * H);
    const d = Math.abs(fd - analytic[k]);
    if (!(d <= worst)) {
      worst = d;
      where = `atom ${Math.floor(k / 3)} ${"xyz"[k % 3]}: analytic ${analytic[k]}, finite difference ${fd}`;
    }
  }
  if (!(worst <= FORCE_TOL)) throw new Error(`${label}: max |F - F_fd| = ${worst.toExponential(3)} eV/A > ${FORCE_TOL} (${where})`);
  // the finite differences must not have triggered list rebuilds that changed the reference
  expect(calc.calculate(atoms).energy).toBe(ref.energy);
  return worst;
}

/** Row vectors times (I + e): x' = x . (I + e), for cell rows and positions. */
function strained(atoms: Atoms, e: number[]): Atoms {
  const out = atoms.copy();
  const m = [1 + e[0], e[1], e[2], e[3], 1 + e[4], e[5], e[6], e[7], 1 + e[8]];
  for (const v of [out.positions, out.cell]) {
    for (let i = 0; i < v.length; i += 3) {
      const [x, y, z] = [v[i], v[i + 1], v[i + 2]];
      v[i] = x * m[0] + y * m[3] + z * m[6];
      v[i + 1] = x * m[1] + y * m[4] + z * m[7];
      v[i + 2] = x * m[2] + y * m[5] + z * m[8];
    }
  }
  return out;
}

/** Voigt component -> the (row, col) pairs of a symmetric strain with d E / d(Voigt strain) = V sigma. */
const VOIGT: [number, number][] = [
  [0, 0],
  [1, 1],
  [2, 2],
  [1, 2],
  [0, 2],
  [0, 1],
];

function stressFD(calc: EamCalculator, atoms: Atoms): number[] {
  const v = atoms.volume();
  return VOIGT.map(([i, j]) => {
    const e = (s: number) => {
      const m = new Array(9).fill(0);
      if (i === j) m[3 * i + j] = s * EPS;
      else {
        // symmetric: eps/2 in each off-diagonal slot, so the engineering shear strain is eps
        m[3 * i + j] = (s * EPS) / 2;
        m[3 * j + i] = (s * EPS) / 2;
      }
      return m;
    };
    const ep = calc.calculate(strained(atoms, e(+1))).energy;
    const em = calc.calculate(strained(atoms, e(-1))).energy;
    return (ep - em) / (2 * EPS * v);
  });
}

/** A periodic copy of a crystal with the species `symbolOf(i)` (masses from the species). */
function alloy(base: Atoms, symbolOf: (i: number) => string): Atoms {
  return new Atoms({ symbols: base.symbols.map((_, i) => symbolOf(i)), positions: base.positions, cell: base.cell, pbc: [true, true, true] });
}

describe("forces = -dE/dx (central differences, h = 1e-5 A)", () => {
  const variants: KernelVariant[] = ["simd", "scalar"];

  it("rattled 2x2x2 fcc Cu (Cu_u3.eam, funcfl; L = 7.23 A < 2 cutoff)", async () => {
    const pot = readEamPotentialFile(join(POT, "Cu_u3.eam"));
    const atoms = rattle(bulk("Cu", "fcc", 3.615, 2), 0.08, 1);
    for (const variant of variants) {
      const calc = await EamCalculator.create(pot, { variant });
      checkForcesFD(calc, atoms, `Cu 2x2x2 ${variant}`);
    }
  });

  it("rattled CuNi alloy (CuNi.eam.alloy, file order Ni Cu)", async () => {
    const rng = new Random(3);
    const atoms = alloy(rattle(bulk("Cu", "fcc", 3.56, [2, 2, 2]), 0.08, 2), () => (rng.uniform() < 0.5 ? "Ni" : "Cu"));
    expect(new Set(atoms.symbols).size).toBe(2);
    checkForcesFD(await EamCalculator.create(readEamPotentialFile(join(POT, "CuNi.eam.alloy"))), atoms, "CuNi");
  });

  it("rattled AlFe Finnis-Sinclair cell (AlFe_mm.eam.fs)", async () => {
    const atoms = alloy(rattle(bulk("Fe", "bcc", 2.87, [2, 2, 2]), 0.08, 4), (i) => (i % 3 === 1 ? "Al" : "Fe"));
    checkForcesFD(await EamCalculator.create(readEamPotentialFile(join(POT, "AlFe_mm.eam.fs"))), atoms, "AlFe fs");
  });

  it("compressed CuNi with host densities above rhomax (F continued linearly, as LAMMPS)", async () => {
    // setfl: the embedding table ends exactly at rhomax, so the linear continuation of F and the
    // clamped F' used for forces are consistent, and forces must still be -dE/dx.
    const pot = readEamPotentialFile(join(POT, "CuNi.eam.alloy"));
    const atoms = alloy(rattle(bulk("Cu", "fcc", 2.6, [2, 2, 2]), 0.03, 6), (i) => (i % 2 ? "Ni" : "Cu"));
    const calc = await EamCalculator.create(pot);
    const warnings: string[] = [];
    calc.onWarning = (m) => warnings.push(m);
    const r = calc.calculate(atoms);
    expect(r.offTableDensities, "atoms above rhomax").toBeGreaterThan(0);
    expect(Math.max(...r.densities)).toBeGreaterThan(pot.rhomax);
    checkForcesFD(calc, atoms, "compressed CuNi");
    expect(warnings, "warned once per calculator").toHaveLength(1);
  });

  it("Cu cluster (pbc F F F, LAMMPS fixture cu_u3_cluster)", async () => {
    const pot = readEamPotentialFile(join(POT, "Cu_u3.eam"));
    const atoms = readExtxyzFile(join(REF, "cu_u3_cluster.extxyz"))[0];
    expect(atoms.pbc).toEqual([false, false, false]);
    const calc = await EamCalculator.create(pot);
    checkForcesFD(calc, atoms, "Cu cluster");
  });
});

describe("stress = (1/V) dE/d(strain) (central differences, eps = 1e-6)", () => {
  it("rattled triclinic Cu cell", async () => {
    const pot = readEamPotentialFile(join(POT, "Cu_u3.eam"));
    // general triclinic cell: shear a cubic 2x2x2 cell (rows and positions), then rattle
    const cubic = bulk("Cu", "fcc", 3.615, 2);
    const sheared = strained(cubic, [0.02, 0.08, -0.05, 0.11, -0.01, 0.06, -0.07, 0.04, 0.03]);
    const atoms = rattle(sheared, 0.08, 5);
    for (const variant of ["simd", "scalar"] as const) {
      const calc = await EamCalculator.create(pot, { variant });
      const s = calc.calculate(atoms).stress!;
      expect(s).not.toBeNull();
      const fd = stressFD(calc, atoms);
      for (let k = 0; k < 6; k++) {
        const d = Math.abs(s[k] - fd[k]);
        expect(d, `${variant} Voigt ${k}: analytic ${s[k]}, finite difference ${fd[k]}`).toBeLessThanOrEqual(STRESS_TOL);
      }
      // sanity: a sheared, rattled cell has a nonzero stress in every component
      expect(Math.min(...Array.from(s, Math.abs))).toBeGreaterThan(1e-5);
    }
  });

  it("CuNi slab (pbc T T F): in-plane components, V including the vacuum", async () => {
    const pot = readEamPotentialFile(join(POT, "CuNi.eam.alloy"));
    const atoms = readExtxyzFile(join(REF, "cuni_slab001.extxyz"))[0];
    const calc = await EamCalculator.create(pot);
    const s = calc.calculate(atoms).stress!;
    const fd = stressFD(calc, atoms);
    for (let k = 0; k < 6; k++) {
      expect(Math.abs(s[k] - fd[k]), `slab Voigt ${k}: analytic ${s[k]}, fd ${fd[k]}`).toBeLessThanOrEqual(STRESS_TOL);
    }
  });
});
