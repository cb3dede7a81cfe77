// The wasm interface in one place, besides the context block (context-fields.mjs): what the kernels
// export and the constants both languages must agree on. scripts/wasm-bindings.mjs writes
// src/engine/bindings.generated.ts (TypeScript interfaces and constants) and the constants section
// of assembly/context.ts from it; `npm run build:wasm` fails when those files are stale or when the
// compiled kernels export anything else (names, kinds or wasm signatures).
//
// Adding an export: write it in assembly/ (exported from assembly/index.ts), add its signature
// below in the group of the engine that calls it, run `node scripts/wasm-bindings.mjs --write`.

/**
 * Exported functions per group, as AssemblyScript signatures `name(param: type, ...): type` with a
 * doc line. Types: usize (byte address), i32, bool, f64, void. Each group becomes one TypeScript
 * interface; every group but `core` extends the core one. The instance's `memory` is in `core`.
 */
export const EXPORTS = {
  core: {
    interface: "KernelExports",
    doc: "The functions every engine uses (assembly/index.ts): layout, neighbor list, EAM passes, velocity Verlet. Pointers are byte addresses.",
    functions: [
      ["_initialize(): void", "The module's start function (asconfig.json exportStart); empty, since no kernel global needs code to initialize, so nothing calls it."],
      ["heapBase(): usize", "First free byte after static data: TypeScript lays out all buffers from here."],
      ["contextBytes(): i32", "Size of the context block in bytes (checked against CTX_BYTES)."],
      ["simdEnabled(): bool", "1 when this module was compiled with SIMD."],
      ["rebuild(ctx: usize): i32", "Wraps owned atoms into the cell, creates ghosts, bins all atoms and builds the half list; a STATUS_* code."],
      ["computeForces(ctx: usize): i32", "Density, embedding and force passes at the current positions (list must be current)."],
      ["runVerlet(ctx: usize, steps: i32): i32", "Up to `steps` velocity-Verlet steps; stepsDone counts completed ones, a non-zero status means the next one stopped after its drift."],
      ["finishStep(ctx: usize): i32", "Completes a step interrupted by a short array: rebuild, forces, second half kick."],
      ["closestPairSlot(ctx: usize): i32", "List slot of the closest pair of the half list at the current positions (first in list order), -1 when empty."],
      ["needsRebuild(ctx: usize): bool", "1 when some owned atom has moved more than half the skin since the last build."],
      ["kineticEnergy(ctx: usize): f64", "Kinetic energy (eV) of the owned atoms, stored in the context and returned."],
      ["initialIntegrate(ctx: usize): void", "First half kick and drift: v += dt/2 a; x += dt v."],
      ["finalIntegrate(ctx: usize): void", "Second half kick: v += dt/2 a, with the forces at the new positions."],
      ["passDensity(ctx: usize): void", "Ghost positions, then the EAM density pass on its own."],
      ["passEmbedding(ctx: usize): void", "The EAM embedding pass on its own."],
      ["passForce(ctx: usize): void", "The EAM force pass on its own."],
      ["ghostFp(ctx: usize): void", "Copies F'(rho) to the ghosts again, once a domain's imported atoms have received theirs."],
    ],
  },
  ect: {
    interface: "EctKernelExports",
    doc: "ECT-EAM kernels (assembly/ect.ts), called by src/ect/engine.ts.",
    functions: [
      ["ectEvaluate(ctx: usize): void", "One evaluation of eps(weights): charges, densities, embedding, pairs, long range."],
      ["ectCharges(ctx: usize): void", "Charges of owned atoms from their weights; weights and charges copied to ghosts."],
      ["ectDensityPass(ctx: usize): void", "Host densities of owned atoms (sorts the list into distance tiers first when tiersValid is 0)."],
      ["ectEmbeddingPass(ctx: usize): void", "State embedding: eps starts at E_AM + F_AM(rhobar), per-atom energies at the on-site part."],
      ["ectEpsPass(ctx: usize): void", "Pair and Coulomb-remainder terms of eps (and pair forces when epsForces is 1)."],
      ["ectLongRange(ctx: usize): void", "Long-range point-charge terms (direct sum, tabulated kernel or Ewald)."],
      ["ectUpdateWeights(ctx: usize): f64", "mu and the Boltzmann weights into weightsNew; returns |N(mu) - N_total|, negative when out of reach."],
      ["ectForceTail(ctx: usize): void", "Forces of the embedding, long-range self energies and Ewald's reciprocal space, after the pair forces."],
      ["ectResonanceHessVec(ctx: usize): void", "The resonance terms' Hessian times weightsNew, into eps."],
      ["ectPolRefresh(ctx: usize): void", "Induction: pairs within the cutoff from the candidates at the current positions (geometry, damping, taper, confinement)."],
      ["ectPolEnergy(ctx: usize): void", "Induction energy at the weights into ePol, dE_pol/dw into polEps."],
      ["ectPolForces(ctx: usize): void", "Induction forces at the fields of the last ectPolEnergy (virial and per-atom energies when tally is 1)."],
      ["ectBondRefresh(hdr: usize, moved: f64, taking: i32, hasSafe: i32): void", "Bond transfer: geometry and screening check of every listed bond (buffers through the header at hdr, assembly/ect-bonds.ts)."],
      ["ectFrozenCg(hdr: usize, rank: i32): void", "Bond transfer: the CG iterations of an extended-Lagrangian step with frozen products (buffers through the header at hdr, assembly/ect-frozen-cg.ts)."],
    ],
  },
  streitz: {
    interface: "StreitzKernelExports",
    doc: "Streitz-Mintmire kernels (assembly/streitz.ts), called by src/streitz/engine.ts.",
    functions: [
      ["streitzCompute(ctx: usize): void", "One evaluation at the current positions: EAM passes, QEq, coul/streitz pairs and self terms, Ewald k-space."],
      ["streitzRunVerlet(ctx: usize, steps: i32): i32", "Up to `steps` velocity-Verlet steps with a QEq every step; status as runVerlet."],
      ["streitzStep(ctx: usize, tally: i32): i32", "One velocity-Verlet step with its QEq, energy and virial tallied only when `tally` is set."],
      ["streitzFinishStep(ctx: usize): i32", "Completes a step interrupted by a short array: rebuild, evaluate, second half kick."],
      ["streitzRebuild(ctx: usize): i32", "Ghosts, bins and the half list at the list cutoff; STATUS_QEQ_LIST when the compact list is short."],
      ["streitzTally(ctx: usize): void", "Energy and virial of an untallied evaluation: EAM, Coulomb and k-space passes again with the tally, no QEq (same forces)."],
    ],
  },
  streitzDomain: {
    interface: "StreitzDomainKernelExports",
    doc: "Streitz-Mintmire passes one by one for spatial domains (assembly/domain.ts), called by src/domain/streitz-engine.ts.",
    functions: [
      ["streitzDomainDensity(ctx: usize): void", "Ghost positions, then the EAM density pass of the Streitz model (at the EAM cutoff)."],
      ["streitzDomainEmbedding(ctx: usize): void", "The EAM embedding pass of the Streitz model."],
      ["streitzDomainForce(ctx: usize): void", "The EAM force pass of the Streitz model; its energy into eEam."],
      ["streitzDomainQeqPairs(ctx: usize): void", "QEq pair pass: compact list and the right-hand side's pair sums on owned atoms and imports."],
      ["streitzDomainQeqRhs(ctx: usize): void", "Right-hand sides of the owned atoms from their pair sums."],
      ["streitzDomainMatvec(ctx: usize, fromX: i32): void", "sqHd = H sqX (fromX 1) or H sqD, with the products on imports left for their owners."],
      ["streitzDomainCoulomb(ctx: usize): void", "coul/streitz forces (energy and virial when tallied); energy = eEam + eCoulPair."],
      ["streitzDomainKspaceSums(ctx: usize): void", "Ewald: the owned atoms' part of the structure factors, into skSums."],
      ["streitzDomainKspaceForces(ctx: usize): void", "Ewald forces on the owned atoms from the whole system's structure factors in skSums."],
    ],
  },
};

/**
 * Constants shared by both languages. `value` is the same number on both sides; `f64` is a record
 * size: f64 words in TypeScript (which indexes Float64Arrays), bytes (8 per word) in
 * AssemblyScript (which addresses memory). `exported`: also a wasm global export of the kernels.
 */
export const CONSTANTS = [
  { name: "MAX_STATES", value: 4, doc: "State slots per atom in the ECT weights, weightsNew and eps buffers, and per type in stateE, stateN, stateQ and dirEmbed." },
  { name: "ROLE_SLOTS", value: 4, doc: "Slots per type in the ECT roles buffer: the state index of the cation, neutral and anion (ROLE_*), -1 when absent; the fourth is padding." },
  { name: "ROLE_CATION", value: 0, doc: "roles: slot of the state with charge +1." },
  { name: "ROLE_NEUTRAL", value: 1, doc: "roles: slot of the state with charge 0." },
  { name: "ROLE_ANION", value: 2, doc: "roles: slot of the state with charge -1." },
  { name: "DENSITY_RECORD", f64: 8, doc: "EAM density record per grid point and ordered type pair (assembly/tables.ts)." },
  { name: "FORCE_RECORD", f64: 16, doc: "EAM force record per grid point and ordered type pair (assembly/tables.ts)." },
  { name: "EMBED_RECORD", f64: 8, doc: "EAM embedding record per grid point and type (assembly/tables.ts)." },
  { name: "ECT_RECORD", f64: 8, doc: "ECT radial and embedding record per grid point: c0..c6 and a pad (src/ect/table-layout.ts)." },
  { name: "STREITZ_RECORD", f64: 34, doc: "Streitz-Mintmire pair record per interval and ordered type pair (src/streitz/tables.ts)." },
  { name: "STATUS_OK", value: 0, exported: true, doc: "Kernel status: done." },
  { name: "STATUS_GHOSTS", value: 1, exported: true, doc: "Kernel status: ghost arrays short (grow to needGhosts and repeat)." },
  { name: "STATUS_BINS", value: 2, exported: true, doc: "Kernel status: bin arrays short (grow to needBins)." },
  { name: "STATUS_NEIGH", value: 3, exported: true, doc: "Kernel status: neighbor list short (grow to needNeigh)." },
  { name: "STATUS_QEQ_LIST", value: 4, doc: "Kernel status (Streitz): the compact QEq list needs needNeigh slots." },
  // codes of the context field lrKind (the ECT point-charge sum); the tabulated kinds are >= LR_KIND_DSF
  { name: "LR_KIND_DIRECT", value: 1, doc: "lrKind: direct O(N^2) sum over the owned atoms (finite systems)." },
  { name: "LR_KIND_DSF", value: 2, doc: "lrKind: damped shifted force, a tabulated kernel within lrCutoff." },
  { name: "LR_KIND_EWALD", value: 3, doc: "lrKind: Ewald, the tabulated real-space kernel plus the reciprocal sum." },
  // codes of the context field qeqGuess (the CG start of the Streitz QEq)
  { name: "QEQ_GUESS_ZERO", value: 0, doc: "qeqGuess: start from zero." },
  { name: "QEQ_GUESS_PREVIOUS", value: 1, doc: "qeqGuess: start from the previous solution." },
  { name: "QEQ_GUESS_EXTRAPOLATE", value: 2, doc: "qeqGuess: LAMMPS' extrapolation of the last four solutions." },
  { name: "QEQ_GUESS_LINEAR", value: 3, doc: "qeqGuess: linear extrapolation of the last two solutions (previous until there are two)." },
  { name: "QEQ_GUESS_GIVEN", value: 4, doc: "qeqGuess: the vectors in sqX as the caller left them (extended-Lagrangian)." },
  { name: "QEQ_GUESS_SHADOW", value: 5, doc: "qeqGuess: as QEQ_GUESS_GIVEN, but the charges are those of the start itself (shadow-potential forces); the CG only improves sqX." },
  // codes of the context field qeqPrecond
  { name: "QEQ_PRECOND_JACOBI", value: 0, doc: "qeqPrecond: Jacobi, 1/J_i (LAMMPS)." },
  { name: "QEQ_PRECOND_SGS", value: 1, doc: "qeqPrecond: symmetric Gauss-Seidel over the pairs within sqShortCutoff." },
];
