// The Streitz pair walks' shortcuts on LAMMPS' 2160-atom alumina example (bench/streitz/data.streitz;
// npm run verify; moved here from test/streitz-walks.test.ts, which runs the same steps on a rattled
// 120-atom cell): the QEq pass and the shadow walk keep exactly the list entries within the 12 A
// Coulomb/QEq reach at every step between list builds, checked against a JavaScript count over the
// neighbor list at the same positions (test/helpers/streitz-walks.ts).
import { describe, expect, it } from "vitest";
import { example2160, walkCounts, walkEngine } from "../helpers/streitz-walks.js";

describe("Streitz pair walks, 2160 atoms", { timeout: 300_000 }, () => {
  it("the QEq pass keeps exactly the entries within the cutoff, at every step between list builds", async () => {
    // 2500 K at 1 fs: the atoms move ~0.1 A between builds (neigh every 10, check yes), so the bound
    // (largest move since the build) changes from step to step; with a 12 A cutoff the far, sorted part
    // of each list lies past the EAM reach, where the walk may stop early.
    const steps = walkCounts(await walkEngine(12, 1.0, example2160(), 2500), 14, false);
    for (const { got, want } of steps) expect(got).toEqual(want);
  });

  it("shadow walk: the compact list it keeps for the CG has exactly the entries within the cutoff", async () => {
    const steps = walkCounts(await walkEngine(12, 1.0, example2160(), 2500), 12, true);
    for (const { got, want } of steps) expect(got).toEqual(want);
  });
});
