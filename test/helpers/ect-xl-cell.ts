/**
 * The small cell of the extended-Lagrangian bond-solver tests (test/ect-bond-xl.test.ts,
 * test/ect-xl-frozen.test.ts): a rattled 8-atom rock-salt NaCl cell with velocities of about 300 K,
 * and the converged reference solve at an engine's positions.
 */
import { Atoms } from "../../src/atoms.js";
import type { EctEngine } from "../../src/ect/engine.js";
import { rocksalt } from "../../src/structures/lattice.js";

/** A rattled 8-atom rock-salt NaCl cell (a = 5.6 A) with velocities of about 300 K (A/fs). */
export function rattledNaCl(): Atoms {
  const atoms = rocksalt("Na", "Cl", 5.6, 1);
  const p = Float64Array.from(atoms.positions);
  for (let k = 0; k < p.length; k++) p[k] += 0.05 * Math.cos(5.1 * k);
  const v = Float64Array.from({ length: p.length }, (_, k) => 0.004 * Math.sin(2.3 * k + 1));
  return new Atoms({ symbols: atoms.symbols, positions: p, cell: atoms.cell, pbc: atoms.pbc, velocities: v });
}

/**
 * A second engine (from `make`, loaded with the positions of `from`) warm-started from `from`'s
 * solver state and solved to the tolerance: the converged solve the XL answers are measured against.
 */
export async function convergedAt(from: EctEngine, atoms: Atoms, make: (atoms: Atoms) => Promise<EctEngine>): Promise<EctEngine> {
  const ref = await make(new Atoms({ symbols: atoms.symbols, positions: from.positions(), cell: atoms.cell, pbc: atoms.pbc }));
  ref.setSolverState(from.solverState());
  ref.compute();
  return ref;
}
