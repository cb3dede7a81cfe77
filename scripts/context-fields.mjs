// Single source of truth for the kernel context block: one 8-byte slot per field, in this order.
// `node scripts/context-fields.mjs` writes assembly/context.ts and src/engine/context.ts from it.
// Kind: i = i32 (stored in the low half of the slot), f = f64, p = pointer (u32 byte address).
import { writeFileSync } from "node:fs";

export const FIELDS = [
  // sizes
  ["nlocal", "i", "owned atoms"],
  ["nghost", "i", "ghost atoms (periodic images) after the last build"],
  ["capacity", "i", "slots in extended per-atom arrays (owned + ghosts)"],
  ["ntypes", "i", "number of atom types (potential elements)"],
  // extended per-atom arrays (capacity slots)
  ["x", "p", "f64 positions, A"], ["y", "p", ""], ["z", "p", ""],
  ["fx", "p", "f64 forces, eV/A"], ["fy", "p", ""], ["fz", "p", ""],
  ["type", "p", "i32 type index"],
  ["rho", "p", "f64 host density"],
  ["fp", "p", "f64 dF/drho, eV"],
  ["eatom", "p", "f64 per-atom energy, eV"],
  ["binAtoms", "p", "i32 extended atom indices sorted by bin"],
  // owned-only arrays (nlocal slots)
  ["vx", "p", "f64 velocities, A/fs"], ["vy", "p", ""], ["vz", "p", ""],
  ["invMass", "p", "f64 1/mass, 1/amu"],
  ["x0", "p", "f64 positions at the last neighbor build"], ["y0", "p", ""], ["z0", "p", ""],
  ["numNeigh", "p", "i32 half-list neighbors per owned atom"],
  ["firstNeigh", "p", "i32 offset of each owned atom's neighbors in neigh"],
  ["numPairs", "p", "i32 in-cutoff neighbors per owned atom (moved to the front of its list)"],
  // ghosts (ghostCapacity slots)
  ["ghostCapacity", "i", "capacity of ghost arrays"],
  ["ghostOwner", "p", "i32 owned atom a ghost is an image of"],
  ["ghostShift", "p", "f64 x3 Cartesian image shift, A"],
  // lists
  ["neigh", "p", "i32 half neighbor list (extended indices), skin included"],
  ["neighCapacity", "i", ""],
  ["binStart", "p", "i32 start of each bin in binAtoms (bins+1 entries)"],
  ["binOf", "p", "i32 scratch: bin index of each extended atom"],
  ["binCapacity", "i", ""],
  // geometry
  ["h00", "f", "cell rows a, b, c (A)"], ["h01", "f", ""], ["h02", "f", ""],
  ["h10", "f", ""], ["h11", "f", ""], ["h12", "f", ""],
  ["h20", "f", ""], ["h21", "f", ""], ["h22", "f", ""],
  ["g00", "f", "inverse cell: fractional s = x . G"], ["g01", "f", ""], ["g02", "f", ""],
  ["g10", "f", ""], ["g11", "f", ""], ["g12", "f", ""],
  ["g20", "f", ""], ["g21", "f", ""], ["g22", "f", ""],
  ["pbcA", "i", "1 if periodic along a"], ["pbcB", "i", ""], ["pbcC", "i", ""],
  ["marginA", "f", "(cutoff+skin) in fractional units along a"], ["marginB", "f", ""], ["marginC", "f", ""],
  ["cutoff", "f", "pair cutoff, A"],
  ["skin", "f", "neighbor skin, A"],
  // tables
  ["densityTable", "p", "pair records for the density pass (8 f64 per grid point per ordered type pair)"],
  ["forceTable", "p", "pair records for the force pass (16 f64 per grid point per ordered type pair)"],
  ["embedTable", "p", "embedding records (8 f64 per grid point per type)"],
  ["nr", "i", "radial grid points"],
  ["rdr", "f", "1/dr, 1/A"],
  ["nrho", "i", "embedding grid points"],
  ["rdrho", "f", "1/drho"],
  ["rhomax", "f", "(nrho-1)*drho"],
  // bins
  ["binsX", "i", ""], ["binsY", "i", ""], ["binsZ", "i", ""],
  ["binLoX", "f", "bin grid origin, A"], ["binLoY", "f", ""], ["binLoZ", "f", ""],
  ["binInv", "f", "1/bin size, 1/A"],
  // results
  ["energy", "f", "total potential energy, eV"],
  ["vxx", "f", "virial sum r_a f_b over pairs, eV"], ["vyy", "f", ""], ["vzz", "f", ""],
  ["vyz", "f", ""], ["vxz", "f", ""], ["vxy", "f", ""],
  ["tally", "i", "1: accumulate per-atom energies and the virial in the force pass (0 in MD steps between outputs)"],
  ["offTable", "i", "atoms whose density exceeded rhomax in the last embedding pass"],
  ["needGhosts", "i", "ghosts required by the last build (set when capacity was short)"],
  ["needNeigh", "i", "neighbor slots required by the last build"],
  ["needBins", "i", "bins required by the last build"],
  ["builds", "i", "neighbor builds so far"],
  ["dangerous", "i", "builds triggered on the first step allowed by the delay"],
  ["sinceBuild", "i", "steps since the last build"],
  // ECT-EAM (ensemble charge transfer); 4 state slots per atom
  ["weights", "p", "f64 x4 ensemble weights per extended atom"],
  ["weightsNew", "p", "f64 x4 weights from the last chemical-potential update (owned)"],
  ["eps", "p", "f64 x4 dE/dweight per extended atom, eV"],
  ["charge", "p", "f64 atomic charge q = sum_M w_M Q_M, e"],
  ["potLR", "p", "f64 long-range electrostatic potential at each atom, eV/e"],
  ["stateE", "p", "f64 x4 per type: state energies, eV"],
  ["stateN", "p", "f64 x4 per type: valence electrons"],
  ["stateQ", "p", "f64 x4 per type: state charges, e"],
  ["nStates", "p", "i32 per type: number of states"],
  ["roles", "p", "i32 x4 per type: slots of the cation, neutral and anion states (-1 when absent)"],
  ["dirRes", "p", "i32 per type pair: address of the resonance h_AB(r) records, 0 when none"],
  ["resCutoff", "f", "cutoff of the resonance coupling, A (0: no resonance)"],
  ["dirEmbed", "p", "i32 x4 per type: address of F_AM(rhobar) records"],
  ["coulBlocks", "p", "i32 per ordered type pair (A,B): address of its Coulomb-remainder block (all state pairs in one record per grid point; src/ect/pair-blocks.ts)"],
  ["coulStride", "i", "bytes per grid point of a Coulomb-remainder block"],
  ["innerBlocks", "p", "i32 per ordered type pair (A,B): address of its inner block (phi_AB and h_AB, then f_AM and f_BM per state, f64x2-interleaved; src/ect/pair-blocks.ts)"],
  ["innerStride", "i", "bytes per grid point of an inner block"],
  ["innerRecords", "p", "the inner blocks themselves (innerBlocks points into them)"],
  ["lrFolded", "i", "1: the Coulomb blocks include k Q Q' g(r) of the tabulated long-range kernel, so the eps pass skips g for pairs inside shortCutoff"],
  ["eLongPairs", "f", "point-charge energy of the folded pairs, moved from ePair to eLong on tallied evaluations, eV"],
  ["coulRecords", "p", "the Coulomb-remainder blocks themselves (coulBlocks points into them)"],
  ["lrTable", "p", "address of the long-range kernel g(r) records (damped shifted force), or 0"],
  ["lrKind", "i", "0 none, 1 direct sum over owned atoms (clusters), 2 tabulated pair kernel over the list"],
  ["lrCutoff", "f", "cutoff of the tabulated long-range kernel, A"],
  ["kvecs", "p", "Ewald reciprocal vectors: 4 f64 each (kx, ky, kz in 1/A; 4 pi k_e/V exp(-k^2/4a^2)/k^2 in eV*A/e^2 per A^3), half space"],
  ["nk", "i", "number of Ewald reciprocal vectors"],
  ["ewaldSums", "p", "f64 x2 per reciprocal vector: sum q cos(k.r), sum q sin(k.r)"],
  ["ewaldAlpha", "f", "Ewald splitting parameter, 1/A"],
  ["ewaldBackground", "f", "neutralizing-background coefficient: E_bg = -ewaldBackground * Q^2, eV/e^2"],
  ["shortCutoff", "f", "largest cutoff of the short-range ECT functions (Coulomb remainder), A"],
  ["densityCutoff", "f", "cutoff of the embedding densities f_AM, A"],
  ["pairCutoff", "f", "cutoff of the pair functions phi_AB, A"],
  ["coulombK", "f", "Coulomb constant, eV*A/e^2"],
  ["selfCoef", "f", "long-range self energy: E_self = -k * selfCoef * sum q^2 (1/A)"],
  ["kT", "f", "electronic temperature k_B T_e, eV"],
  ["epsForces", "i", "1: the eps pass also accumulates pair forces, pair energies and the virial"],
  ["nTotal", "f", "total valence electrons to conserve"],
  ["mu", "f", "electron chemical potential, eV"],
  ["eOnsite", "f", "sum of w (E_AM + F_AM), eV"],
  ["ePair", "f", "short-range pair and Coulomb remainder energy, eV"],
  ["eLong", "f", "long-range point-charge energy, eV"],
  ["activeStates", "p", "i32 per extended atom: bit M set when w_M >= 1e-17 (the states whose weights multiply table values)"],
  ["tierEnds", "p", "i32 x3 per owned atom: list entries (from firstNeigh) within innerCutoff, shortCutoff and the long-range cutoff (the list is sorted into these tiers)"],
  ["pairM", "p", "i32 per list slot: radial grid index m of the entry (inside the tiers; written by the tier sort)"],
  ["pairP", "p", "f64 per list slot: fraction p within grid interval m"],
  ["tierScratchLimit", "i", "segments longer than this are tier-sorted in place instead of through the scratch (0: the scratch size; tests lower it)"],
  ["tiersValid", "i", "1 while the tier order belongs to the current positions (the engine resets it when atoms move or the list is rebuilt)"],
  ["innerCutoff", "f", "largest cutoff of the densities, pair functions and resonance couplings, A"],
  // Streitz-Mintmire (assembly/streitz.ts): EAM + coul/streitz + fix qeq/slater on one list
  ["eamCutoff", "f", "EAM cutoff, A (the list reaches the larger Coulomb and QEq cutoffs)"],
  ["listCutoff", "f", "neighbor-list cutoff (largest of the EAM, Coulomb and QEq cutoffs), A"],
  ["numNeighEam", "p", "i32 per owned atom: list entries within EAM cutoff + skin (moved to the front at each build)"],
  ["sqTableQ", "p", "QEq pair records (src/streitz/tables.ts layout): H, A_ij, A_ji"],
  ["sqTableE", "p", "energy/force pair records: B, A_ij, A_ji values and slopes"],
  ["sqIntervals", "i", "intervals per type pair of the Streitz tables"],
  ["sqR0", "f", "first tabulated distance, A"],
  ["sqRdr", "f", "1/spacing of the Streitz tables, 1/A"],
  ["sqCoulCutoff", "f", "coul/streitz cutoff, A"],
  ["sqQeqCutoff", "f", "QEq cutoff, A"],
  ["sqChi", "p", "f64 per type: chi, eV/e"],
  ["sqJ", "p", "f64 per type: J, eV/e^2"],
  ["sqSelfPair", "f", "pair self energy -sqSelfPair q^2 (Wolf: k woself), eV/e^2"],
  ["sqDiagShift", "f", "QEq diagonal H_ii = J_i - sqDiagShift, eV/e^2"],
  ["sqForceShift", "f", "added to dB/dr in the forces (LAMMPS Wolf: -k dwoself), eV/(A e^2)"],
  ["sqNbr", "p", "i32 compact pair list (from firstNeigh): owner index of each neighbor within the QEq or Coulomb cutoff"],
  ["sqVal", "p", "f64 compact QEq list: H_ij, eV/e^2"],
  ["sqCount", "p", "i32 per owned atom: entries of the compact QEq list"],
  ["sqGhost", "p", "i32 per compact entry: extended index of the neighbor (its position), for the Coulomb force pass"],
  ["sqCapacity", "i", "slots of sqNbr and sqVal"],
  ["sqX", "p", "f64 x2 per atom: QEq solutions (s, t)"],
  ["sqB", "p", "f64 x2 per atom: right-hand sides (-chi_eff, -1)"],
  ["sqR", "p", "f64 x2 per atom: CG residuals"],
  ["sqD", "p", "f64 x2 per atom: CG directions"],
  ["sqHd", "p", "f64 x2 per atom: H times a vector"],
  ["sqHist", "p", "f64 x2 x4 per atom: previous (s, t), newest first"],
  ["sqHistCount", "i", "solutions in sqHist since it was cleared (at most 4): the linear start needs two"],
  ["qeqTolerance", "f", "relative CG residual to stop at"],
  ["qeqMaxIter", "i", "CG loop limit per solve (LAMMPS maxiter)"],
  ["qeqGuess", "i", "CG start: 0 zero, 1 previous solution, 2 LAMMPS' extrapolation of the history, 3 linear extrapolation, 4 the vectors in sqX as they are (extended-Lagrangian)"],
  ["qeqPrecond", "i", "CG preconditioner: 0 Jacobi 1/J_i (LAMMPS), 1 symmetric Gauss-Seidel over the pairs within sqShortCutoff"],
  ["sqShortCutoff", "f", "pairs within this distance (A) enter the Gauss-Seidel preconditioner"],
  ["sqShortStride", "i", "slots per atom of the preconditioner's full short list"],
  ["sqShortNbr", "p", "i32 per atom x sqShortStride: owner index of each short neighbor (both directions)"],
  ["sqShortVal", "p", "f64 per atom x sqShortStride: H_ij of each short neighbor, eV/e^2"],
  ["sqShortCount", "p", "i32 per owned atom: entries of its short row"],
  ["sqY", "p", "f64 x2 per atom: preconditioner scratch"],
  ["sqZ", "p", "f64 x2 per atom: preconditioned residual"],
  ["qeqLoopsS", "i", "CG loops of the s solve in the last QEq (1 + iterations)"],
  ["qeqLoopsT", "i", "CG loops of the t solve"],
  ["qeqFailed", "i", "QEq solves that stopped at maxiter above the tolerance"],
  ["qeqSolves", "i", "QEq solves so far"],
  ["qeqLoopSum", "i", "CG loops (s + t) summed over all QEq solves so far"],
  ["qeqMu", "f", "chemical potential sum s / sum t of the last QEq, eV/e"],
  ["sqKspaceInH", "i", "1: the QEq matrix includes the Ewald reciprocal sum (consistent Ewald)"],
  ["sqEwald", "i", "1: Ewald k-space part"],
  ["skCount", "i", "Ewald k-vectors (half set)"],
  ["skNmax", "i", "largest |n_d| of the k-vectors"],
  ["skVecs", "p", "f64 x4 per k-vector: kx, ky, kz (1/A), 4 pi/V exp(-k^2/4g^2)/k^2 (1/A^3 ... 1/A)"],
  ["skIdx", "p", "i32 x4 per k-vector: n1, n2, n3, 0"],
  ["skBasis", "p", "f64 x9: reciprocal basis vectors b_d (rows), 1/A"],
  ["skPhase", "p", "f64 x2 per (direction, n = 0..nmax, owned atom): cos, sin of n b_d . x"],
  ["skSums", "p", "f64 x4 per k-vector: structure factor scratch"],
  ["skScratch", "p", "f64 x2 per owned atom: exp(i k.x) of the current k-vector"],
  ["skG", "f", "Ewald splitting g, 1/A"],
  ["skVolume", "f", "cell volume, A^3"],
  ["eEam", "f", "EAM energy, eV"],
  ["eCoulPair", "f", "coul/streitz energy incl. self terms, eV"],
  ["eKspace", "f", "Ewald k-space energy incl. self and background terms, eV"],
  ["tooClose", "i", "pairs closer than the first tabulated distance in the last evaluation"],
  // dynamics
  ["dt", "f", "time step, fs"],
  ["ftm", "f", "force/mass to acceleration: A/fs^2 per (eV/A)/amu"],
  ["kinetic", "f", "kinetic energy, eV"],
  ["delay", "i", "minimum steps between builds"],
  ["every", "i", "check for a rebuild every this many steps"],
  ["stepsDone", "i", "steps completed by the last runVerlet call"],
  // spatial domains (src/domain); both stay 0 for a whole system in one engine
  ["nimport", "i", "imported atoms (copies of atoms owned by other domains) at extended indices nlocal..nlocal+nimport-1, in the first nimport ghost slots"],
  ["rank", "p", "i32 pair-rule rank of each owned and imported atom (unique across domains), or 0: the local index is the rank"],
];

export const SLOT_BYTES = 8;

function generate() {
  const as = [
    "// Generated by scripts/context-fields.mjs: do not edit by hand.",
    "// The context block holds every pointer, size and scalar the kernels share with TypeScript.",
    "// One 8-byte slot per field; i32 fields use the low half, pointers are byte addresses.",
    "",
  ];
  const ts = [
    "// Generated by scripts/context-fields.mjs: do not edit by hand.",
    "/** Byte offsets of the kernel context fields (one 8-byte slot each). */",
    "export const CTX = {",
  ];
  FIELDS.forEach(([name, kind, doc], k) => {
    const c = `C_${name.replace(/([A-Z])/g, "_$1").toUpperCase()}`;
    if (doc) as.push(`/** ${doc} */`);
    as.push(`@inline export const ${c}: usize = ${k * SLOT_BYTES};`);
    ts.push(`  ${name}: ${k * SLOT_BYTES},${doc ? ` // ${kind}: ${doc}` : ` // ${kind}`}`);
  });
  ts.push("} as const;", "", `/** Total size of the context block in bytes. */`, `export const CTX_BYTES = ${FIELDS.length * SLOT_BYTES};`, "");
  ts.push(`/** Field kinds: i = i32, f = f64, p = pointer. */`);
  ts.push(`export const CTX_KIND: Record<keyof typeof CTX, "i" | "f" | "p"> = {`);
  FIELDS.forEach(([name, kind]) => ts.push(`  ${name}: "${kind}",`));
  ts.push("};", "");
  as.push("", `@inline export const CTX_BYTES: usize = ${FIELDS.length * SLOT_BYTES};`, "");
  writeFileSync(new URL("../assembly/context.ts", import.meta.url), as.join("\n"));
  writeFileSync(new URL("../src/engine/context.ts", import.meta.url), ts.join("\n"));
}

if (import.meta.url === `file://${process.argv[1]}`) generate();
