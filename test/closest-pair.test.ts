// The closest pair of the neighbor list (the CLI's overlap check, the non-finite energy message) is
// found by a kernel (`closestPairSlot`, assembly/neighbors.ts) and read back in TypeScript
// (src/engine/neighbor-list.ts). It must be the pair a plain scan of the list finds: the first in
// list order at the smallest squared distance, r to the bit, with ghosts named by their owners.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Random } from "../src/dynamics/random.js";
import { EamEngine } from "../src/eam/engine.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { bulk } from "../src/structures/lattice.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Internals {
  raw(name: string): Float64Array | Int32Array;
}

/** The scan the TypeScript closestPair did before the kernel. */
function scan(e: EamEngine, n: number): { i: number; j: number; r: number } | null {
  const k = e as unknown as Internals;
  const x = k.raw("x"), y = k.raw("y"), z = k.raw("z");
  const num = k.raw("numNeigh"), first = k.raw("firstNeigh"), neigh = k.raw("neigh"), owner = k.raw("ghostOwner");
  let bi = -1, bj = -1, best = Infinity;
  for (let i = 0; i < n; i++) {
    for (let q = first[i]; q < first[i] + num[i]; q++) {
      const j = neigh[q];
      const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq < best || bi < 0) [best, bi, bj] = [rsq, i, j];
    }
  }
  return bi < 0 ? null : { i: bi, j: bj < n ? bj : owner[bj - n], r: Math.sqrt(best) };
}

describe("closest pair of the neighbor list", () => {
  const pot = readEamPotentialFile(join(ROOT, "potentials/Cu_u3.eam"));
  for (const variant of ["simd", "scalar"] as KernelVariant[]) {
    it(`is the plain scan's pair (${variant}): rattled crystal, a close pair across the boundary, ties`, async () => {
      const e = await EamEngine.create(pot, { variant, skin: 1.0 });
      const rng = new Random(7);
      // a perfect crystal: every nearest pair ties, the first in list order wins
      const perfect = bulk("Cu", "fcc", 3.615, 4);
      e.setAtoms(perfect);
      e.compute();
      expect(e.closestPair()).toEqual(scan(e, perfect.length));
      const rattled = bulk("Cu", "fcc", 3.615, 5);
      for (let k = 0; k < rattled.positions.length; k++) rattled.positions[k] += 0.2 * (rng.uniform() - 0.5);
      e.setAtoms(rattled);
      e.compute();
      const got = e.closestPair();
      expect(got).toEqual(scan(e, rattled.length));
      // two atoms brought close across the periodic boundary: the pair goes through a ghost
      const close = bulk("Cu", "fcc", 3.615, 3);
      const L = 3 * 3.615;
      close.positions.set([0.05, 0.05, 0.05], 0);
      const last = close.length - 1;
      close.positions.set([L - 0.3, 0.1, 0.0], 3 * last);
      e.setAtoms(close);
      e.compute();
      const p = e.closestPair();
      expect(p).toEqual(scan(e, close.length));
      expect([p!.i, p!.j].sort((a, b) => a - b)).toEqual([0, last]);
    });
  }
});
