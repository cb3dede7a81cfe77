// One-element potentials run copies of the density and force loops without per-pair type lookups
// (assembly/eam.ts). Their results must be those of the general loops bit for bit: the same
// potential given as two identical elements (so the general loops run, every atom of type 0) gives
// the same energy, forces, per-atom energies, densities, virial and trajectory, in both kernel builds.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { Random } from "../src/dynamics/random.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamEngine } from "../src/eam/engine.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The same potential as two elements with identical tables (the second is never used). */
function asTwoElements(p: EamPotential): EamPotential {
  return {
    ...p,
    elements: [p.elements[0], "Ni"],
    masses: [p.masses[0], p.masses[0]],
    frho: [p.frho[0], p.frho[0]],
    rhor: [[p.rhor[0][0], p.rhor[0][0]], [p.rhor[0][0], p.rhor[0][0]]],
    z2r: [[p.z2r[0][0], p.z2r[0][0]], [p.z2r[0][0], p.z2r[0][0]]],
  };
}

/** A rattled crystal: in-cutoff counts vary from atom to atom (odd and even). */
function structure(p: EamPotential): Atoms {
  const atoms = bulk(p.elements[0], "fcc", 3.615, 4);
  const rng = new Random(7);
  for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] += 0.12 * rng.normal();
  atoms.velocities = maxwellBoltzmann(atoms.masses, 1600, 11);
  return atoms;
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let k = 0; k < a.length; k++) {
    if (!Object.is(a[k], b[k])) expect.fail(`${what}[${k}]: ${a[k]} (one element) vs ${b[k]} (two elements)`);
  }
}

describe("one-element EAM loops", () => {
  for (const file of ["Cu_u3.eam", "Fe_mm.eam.fs"]) {
    for (const variant of ["simd", "scalar"] as KernelVariant[]) {
      it(`${file}, ${variant}: the same results as the general loops, bit for bit (forces and 30 MD steps)`, async () => {
        const one = readEamPotentialFile(join(ROOT, "potentials", file));
        expect(one.elements.length).toBe(1);
        const atoms = structure(one);
        const a = await EamEngine.create(one, { variant });
        const b = await EamEngine.create(asTwoElements(one), { variant });
        expect(b.elements.length).toBe(2);
        for (const e of [a, b]) {
          e.setAtoms(atoms);
          e.compute();
        }
        expect(Object.is(a.energy(), b.energy()), `energy ${a.energy()} vs ${b.energy()}`).toBe(true);
        sameBits(a.forces(), b.forces(), "forces");
        sameBits(a.energies(), b.energies(), "per-atom energies");
        sameBits(a.densities(), b.densities(), "densities");
        sameBits(a.virial(), b.virial(), "virial");
        for (const e of [a, b]) e.runVerlet(30, 2, { every: 1, delay: 0 });
        sameBits(a.positions(), b.positions(), "positions after 30 steps");
        sameBits(a.velocities(), b.velocities(), "velocities after 30 steps");
        expect(Object.is(a.energy(), b.energy())).toBe(true);
      });
    }
  }
});
