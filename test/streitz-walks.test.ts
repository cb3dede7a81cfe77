// The Streitz pair walks' shortcuts (issue 16, src/streitz/README.md "Speed"): the QEq pass and the
// shadow walk stop an atom's scalar tail at the first entry past the bound of `tailBound`
// (assembly/streitz.ts), and must keep exactly the entries within the Coulomb/QEq reach; the QEq
// pass leaves the force slope B' for the plain Coulomb pass in pairR, and the QEq table carries the
// energy table's B' in the lane the QEq passes do not read. Checked here against a JavaScript count
// over the neighbor list at the same positions, and the slopes against the energy table. The walks
// run here on a rattled 120-atom alumina cell (its lists reach through many periodic images); on
// LAMMPS' 2160-atom example, the same steps: test/verify/streitz-walks.test.ts (npm run verify).
import { describe, expect, it } from "vitest";
import { buildStreitzTable, STREITZ_RECORD, withEnergySlope } from "../src/streitz/tables.js";
import { rattled120, walkCounts, walkEngine } from "./helpers/streitz-walks.js";

describe("Streitz pair walks", { timeout: 120_000 }, () => {
  it("the QEq pass keeps exactly the entries within the cutoff, at every step between list builds (120 atoms)", async () => {
    // 2500 K at 1 fs: the atoms move ~0.1 A between builds (neigh every 10, check yes), so the bound
    // (largest move since the build) changes from step to step; with a 12 A cutoff the far, sorted part
    // of each list lies past the EAM reach, where the walk may stop early.
    const steps = walkCounts(await walkEngine(12, 1.0, rattled120(), 2500), 14, false);
    for (const { got, want } of steps) expect(got).toEqual(want);
    // (half lists through many periodic images, as long as the 2160-atom cell's: up to ~850 entries an atom)
    expect(Math.max(...steps[0].want)).toBeGreaterThan(800);
  });

  it("shadow walk: the compact list it keeps for the CG has exactly the entries within the cutoff (120 atoms)", async () => {
    const steps = walkCounts(await walkEngine(12, 1.0, rattled120(), 2500), 12, true);
    for (const { got, want } of steps) expect(got).toEqual(want);
  });

  it("withEnergySlope puts the energy's B' into the QEq table's unused lane and leaves the rest", async () => {
    // (the tables depend on the parameters and settings only: an engine without atoms)
    const e = await walkEngine(12, 1.0);
    const spec = (e as unknown as { energySpec(a: number): Parameters<typeof buildStreitzTable>[0] }).energySpec(0.31);
    const energy = buildStreitzTable(spec);
    const qeq = buildStreitzTable({ ...spec, alpha: 0.2, shift: "none" });
    const merged = withEnergySlope(qeq.records.slice(), energy.records);
    // Every double compared as toBe does (Object.is), the differing places listed (one expect per
    // double, 82,000 of them, took seconds).
    const wrong: string[] = [];
    for (let rec = 0; rec < merged.length; rec += STREITZ_RECORD) {
      for (let f = 0; f < STREITZ_RECORD; f++) {
        const slopeLane = f >= 12 && f < 24 && f % 2 === 1;
        const want = slopeLane ? energy.records[rec + f] : qeq.records[rec + f];
        if (!Object.is(merged[rec + f], want)) wrong.push(`record ${rec / STREITZ_RECORD} field ${f}: ${merged[rec + f]}, expected ${want}`);
      }
    }
    expect(merged.length).toBe(qeq.records.length);
    expect(wrong).toEqual([]);
  });
});
