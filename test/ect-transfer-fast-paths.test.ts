/**
 * The per-step fast paths of bond transfer (src/ect/transfer/) against their plain reference forms,
 * with the shipped model (models/ect-fitted.json: screened couplings, confined induction, DSF):
 * - refreshBonds' fused screening, which tries each bond's last blocking screener first
 *   (`screeningFactor`), gives the couplings, derivatives and screening factors of the unscreened
 *   couplings followed by the walk over every screener (`screenBonds`), bit for bit, at every step
 *   of a short trajectory (the blocking screeners carried from step to step) of a rattled periodic
 *   crystal and of a cluster;
 * - the cached active-variable list is the list of the live channels at every step;
 * - the energy with `liveOnly` gradients equals the full one, with the same gradient at every
 *   active variable.
 */
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctEngine } from "../src/ect/engine.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import type { EctTables } from "../src/ect/table-types.js";
import { BOND_XL_DEFAULTS } from "../src/ect/transfer/bond-transfer.js";
import type { NeighborView } from "../src/ect/transfer/bond-list.js";
import type { BondSet } from "../src/ect/transfer/bonds.js";
import { screenBonds } from "../src/ect/transfer/screening.js";
import { activeVariables } from "../src/ect/transfer/transfer-solver.js";
import { transferEnergy, TransferWork, type MeanFieldSystem } from "../src/ect/transfer/transfer-energy.js";
import { rocksalt } from "../src/structures/lattice.js";

const tables = buildEctTables(readEctModelFile("models/ect-fitted.json"));

/** The engine's neighbor list as bond transfer reads it (test access to the engine's buffers). */
function viewOf(engine: EctEngine): NeighborView {
  const e = engine as unknown as { n: number; raw(name: string): Float64Array | Int32Array };
  const f = (name: string) => e.raw(name) as Float64Array, i = (name: string) => e.raw(name) as Int32Array;
  return { n: e.n, type: i("type"), x: f("x"), y: f("y"), z: f("z"), ghostOwner: i("ghostOwner"), ghostShift: f("ghostShift"), numNeigh: i("numNeigh"), firstNeigh: i("firstNeigh"), neigh: i("neigh") };
}

/** h, dh and S of every bond by the reference path: the unscreened couplings, then the walk over all screeners. */
function referenceCouplings(t: EctTables, b: BondSet, view: NeighborView): { h: Float64Array; dh: Float64Array; screen: Float64Array } {
  const bt = t.bond!, nb = b.count;
  const copy: BondSet = { ...b, h: new Float64Array(nb), dh: new Float64Array(nb), screen: new Float64Array(nb) };
  for (let k = 0; k < nb; k++) {
    const ti = view.type[b.i[k]], tj = view.type[b.j[k]];
    const dx = view.x[b.j[k]] + b.sx[k] - view.x[b.i[k]], dy = view.y[b.j[k]] + b.sy[k] - view.y[b.i[k]], dz = view.z[b.j[k]] + b.sz[k] - view.z[b.i[k]];
    const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
    if (!Object.is(r, b.r[k])) throw new Error(`bond ${k}: r = ${r} from the positions, ${b.r[k]} in the bond set`);
    const inside = r < bt.cutoff[ti][tj];
    copy.h[k] = inside ? bt.coupling[ti][tj].value(r) : 0;
    copy.dh[k] = inside ? bt.coupling[ti][tj].derivative(r) : 0;
    copy.screen[k] = inside ? 1 : 0;
  }
  screenBonds(copy, b.around!, view, bt.screening!);
  return copy;
}

/** The live channels' variables, ascending, as the solver's active list must be (neutral system). */
function liveVariables(b: BondSet): number[] {
  const out: number[] = [];
  for (let k = 0; k < b.count; k++) if (b.fwdOn[k]) out.push(k);
  for (let k = 0; k < b.count; k++) if (b.revOn[k]) out.push(b.count + k);
  return out;
}

/** A mean field that is a fixed linear function of the weights (the bond terms are what is compared). */
function linearField(atoms: number): MeanFieldSystem {
  return {
    atoms,
    energy: (w, eps) => {
      let e = 0;
      for (let k = 0; k < w.length; k++) {
        eps[k] = 0.3 * Math.sin(k);
        e += eps[k] * w[k];
      }
      return e;
    },
  };
}

async function checkTrajectory(atoms: Atoms, steps: number, dt: number): Promise<void> {
  const engine = await EctEngine.create(tables);
  engine.bondSolver.xl = { ...BOND_XL_DEFAULTS };
  engine.setAtoms(atoms);
  engine.compute();
  let partial = 0, blocked = 0;
  for (let s = 0; s <= steps; s++) {
    if (s > 0) engine.runVerlet(1, dt);
    const b = engine.bond!.bonds!, view = viewOf(engine);
    const ref = referenceCouplings(tables, b, view);
    // (one check per bond in plain code, the first difference thrown: vitest's expect costs tens of
    // microseconds a call, and there are about 10^5 bond-steps here)
    for (let k = 0; k < b.count; k++) {
      const mismatch = !Object.is(b.h[k], ref.h[k] === 0 ? 0 : ref.h[k]) ? "h" : b.h[k] !== 0 && !Object.is(b.dh[k], ref.dh[k]) ? "dh" : !Object.is(b.screen[k], ref.screen[k]) ? "screen" : null;
      if (mismatch) throw new Error(`step ${s}, bond ${k}: ${mismatch} ${b[mismatch][k]} on the fast path, ${ref[mismatch][k]} by the reference`);
      if (ref.screen[k] > 0 && ref.screen[k] < 1) partial++;
      if (b.screenedBy[k] >= 0) blocked++;
    }
    const p = engine.bond!.problem();
    expect(Array.from(activeVariables(p, atoms.length))).toEqual(liveVariables(b));
    // liveOnly gradients: the same energy and active entries as the full gradient.
    const x = engine.bond!.x, nv = x.length;
    const full = new Float64Array(nv), live = new Float64Array(nv).fill(7);
    const mf = linearField(atoms.length), work = new TransferWork(atoms.length, b.count);
    const e1 = transferEnergy(p, mf, x, full, work);
    const e2 = transferEnergy(p, mf, x, live, work, false, false, true);
    expect(e2).toBe(e1);
    for (const v of activeVariables(p, atoms.length)) if (!Object.is(live[v], full[v])) throw new Error(`step ${s}, variable ${v}: liveOnly gradient ${live[v]}, full ${full[v]}`);
  }
  // The trajectory exercised both kinds of bond the fast path treats apart.
  expect(blocked).toBeGreaterThan(0);
  expect(partial).toBeGreaterThan(0);
}

const rattle = (base: Atoms, amp: number): Atoms => {
  const p = Float64Array.from(base.positions, (v, k) => v + amp * Math.sin(2.3 * k + 0.7));
  return new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc, velocities: base.velocities });
};

describe("bond-transfer fast paths against the reference forms (shipped model)", () => {
  it("a rattled periodic NaCl cell (DSF): couplings, screening, active lists and gradients at every step", async () => {
    await checkTrajectory(rattle(rocksalt("Na", "Cl", 5.64, 2), 0.6), 6, 1.0);
  }, 120_000);

  it("a rattled LiF cluster: the same", async () => {
    // A rock-salt cube with one more Li over the middle of a Li-F edge, at 0.75 of the edge's
    // length: C = 4 (0.75)^2 = 2.25, between C_min and C_max (a partially screened bond).
    const crystal = rocksalt("Li", "F", 4.03, 1);
    const positions = [...Array.from(crystal.positions, (v) => v + 5), 5 + 1.0075, 5 - 0.75 * 2.015, 5];
    const cluster = new Atoms({ symbols: [...crystal.symbols, "Li"], positions, pbc: [false, false, false] });
    await checkTrajectory(rattle(cluster, 0.05), 6, 0.5);
  }, 120_000);
});
