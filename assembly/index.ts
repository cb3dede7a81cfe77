// The exported surface: every function takes the address of the context block (see context.ts)
// and returns a status code; sizes and results are exchanged through the context.
//
// Status codes: 0 done; 1 ghost arrays short; 2 bin arrays short; 3 neighbor list short. After a non-zero status the caller grows the arrays named by the
// context's need* fields and repeats the call (for runVerlet: calls finishStep, then runVerlet again).
import {
  CTX_BYTES, C_GHOST_CAPACITY, C_NEED_GHOSTS, C_STEPS_DONE,
  C_TALLY, C_FP,
} from "./context";
import * as shared from "./context";
import { ci, cp, setI } from "./mem";
import { wrapOwned, makeGhosts, updateGhostPositions, copyToGhosts } from "./cell";
import { binAtoms, buildNeighborList, needsRebuild, rebuildDue, closestPairSlot } from "./neighbors";
import { densityPass, embeddingPass, forcePass } from "./eam";
import { initialIntegrate, finalIntegrate, kineticEnergy, verletSteps } from "./integrate";
import { ectCharges, ectDensityPass, ectEmbeddingPass, ectEpsPass, ectLongRange } from "./ect";

export { kineticEnergy, needsRebuild, initialIntegrate, finalIntegrate, closestPairSlot };

// Status codes, exported as globals too (scripts/wasm-interface.mjs, generated into context.ts). They
// are declared here rather than re-exported so that the globals keep their place in the module.
export const STATUS_OK: i32 = shared.STATUS_OK;
export const STATUS_GHOSTS: i32 = shared.STATUS_GHOSTS;
export const STATUS_BINS: i32 = shared.STATUS_BINS;
export const STATUS_NEIGH: i32 = shared.STATUS_NEIGH;

/** First free byte after static data: TypeScript lays out all buffers from here. */
export function heapBase(): usize { return __heap_base; }

/** Size of the context block in bytes (checked by TypeScript against its own layout). */
export function contextBytes(): i32 { return <i32>CTX_BYTES; }

/** True when this module was compiled with SIMD. */
export function simdEnabled(): bool { return ASC_FEATURE_SIMD; }

/** Wraps owned atoms into the cell, creates ghosts, bins all atoms and builds the half list. */
export function rebuild(ctx: usize): i32 {
  wrapOwned(ctx);
  makeGhosts(ctx);
  if (ci(ctx, C_NEED_GHOSTS) > ci(ctx, C_GHOST_CAPACITY)) return STATUS_GHOSTS;
  if (binAtoms(ctx) != 0) return STATUS_BINS;
  if (buildNeighborList(ctx) != 0) return STATUS_NEIGH;
  return STATUS_OK;
}

/** Density, embedding and force passes at the current positions (list must be current). */
export function computeForces(ctx: usize): i32 {
  updateGhostPositions(ctx);
  densityPass(ctx);
  embeddingPass(ctx);
  forcePass(ctx);
  return STATUS_OK;
}

/** Rebuild when due (delay/every/check as LAMMPS' neigh_modify), then forces. */
function refresh(ctx: usize): i32 {
  if (rebuildDue(ctx)) {
    const s = rebuild(ctx);
    if (s != 0) return s;
  }
  return computeForces(ctx);
}

/**
 * Completes a step interrupted by a short array: rebuild (the displacement check already asked for
 * one, or the list was lost with the arrays), forces, second half kick.
 */
export function finishStep(ctx: usize): i32 {
  setI(ctx, C_TALLY, 1);
  const s = rebuild(ctx);
  if (s != 0) return s;
  computeForces(ctx);
  finalIntegrate(ctx);
  setI(ctx, C_STEPS_DONE, ci(ctx, C_STEPS_DONE) + 1);
  return STATUS_OK;
}

/**
 * Runs up to `steps` velocity-Verlet steps (forces must be current on entry). `stepsDone` counts
 * completed steps; a non-zero status means step stepsDone+1 stopped after its drift.
 */
export function runVerlet(ctx: usize, steps: i32): i32 {
  return verletSteps(ctx, steps, refresh);
}

/** The three passes on their own (the benchmark times them separately; spatial domains communicate between them). */
export function passDensity(ctx: usize): void { updateGhostPositions(ctx); densityPass(ctx); }
export function passEmbedding(ctx: usize): void { embeddingPass(ctx); }
export function passForce(ctx: usize): void { forcePass(ctx); }

/** Copies F'(rho) to the ghosts again, once a domain's imported atoms have received theirs. */
export function ghostFp(ctx: usize): void { copyToGhosts(ctx, cp(ctx, C_FP)); }

export { ectCharges, ectDensityPass, ectEmbeddingPass, ectEpsPass, ectLongRange, ectUpdateWeights, ectForceTail, ectResonanceHessVec } from "./ect";
// ECT-EAM induction over linear memory (the TypeScript reference: src/ect/transfer/polarization.ts)
export { ectPolRefresh, ectPolEnergy, ectPolForces } from "./ect-polarization";
// Bond-transfer bond refresh over linear memory (the TypeScript reference: refreshBonds in src/ect/transfer/bond-list.ts)
export { ectBondRefresh } from "./ect-bonds";
// The frozen-product CG of an extended-Lagrangian step (the TypeScript reference: newtonStep in src/ect/transfer/xl-newton.ts)
export { ectFrozenCg } from "./ect-frozen-cg";

/** One evaluation of eps(weights) for the ECT weight solver: charges, densities, embedding, pairs, long range. */
export function ectEvaluate(ctx: usize): void {
  updateGhostPositions(ctx);
  ectCharges(ctx);
  ectDensityPass(ctx);
  ectEmbeddingPass(ctx);
  ectEpsPass(ctx);
  ectLongRange(ctx);
}

// Streitz-Mintmire (eam/alloy + coul/streitz + fix qeq/slater): assembly/streitz.ts
export { streitzCompute, streitzRunVerlet, streitzStep, streitzFinishStep, streitzRebuild, streitzTally } from "./streitz";

// Spatial domains of Streitz-Mintmire: assembly/domain.ts
export {
  streitzDomainDensity, streitzDomainEmbedding, streitzDomainForce, streitzDomainQeqPairs, streitzDomainQeqRhs, streitzDomainMatvec, streitzDomainCoulomb,
  streitzDomainKspaceSums, streitzDomainKspaceForces,
} from "./domain";
