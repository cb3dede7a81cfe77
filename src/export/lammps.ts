/**
 * A LAMMPS run directory for a system evaluated here: potential table, data file and input script
 * (LAMMPS 29Sep2021 syntax, `units metal`), for classic EAM potentials and for ECT-EAM models in the
 * fixed-charge limit. Browser-safe: returns file contents as strings; the CLI writes them.
 */
import { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { formatLammpsData } from "../io/lammps-data.js";
import type { EamPotential } from "../potentials/types.js";
import type { EctTables } from "../ect/tables.js";
import { exportEamTables } from "./setfl.js";
import { freezeEct, writeFrozenSetfl, type FreezeOptions, type FrozenEct } from "./ect-frozen.js";

/** Space (A) left around a cluster in its LAMMPS box. */
export const CLUSTER_MARGIN = 10;

/** File names of an exported run directory. */
export const EXPORT_FILES = { data: "data.lmp", input: "in.lammps", readme: "README.txt" } as const;

/** An exported run: file name -> contents, plus what the caller may want to report. */
export interface LammpsExport {
  files: Record<string, string>;
  /** Name of the potential file among `files`. */
  potentialFile: string;
  /** The structure exactly as written to the data file (clusters are shifted into their box). */
  atoms: Atoms;
  /** Type labels in LAMMPS type order (type 1 first) and each atom's label. */
  typeLabels: string[];
  /** ECT-EAM only: the frozen system. */
  frozen?: FrozenEct;
}

/** Where the structure came from and what evaluated it, for README.txt. */
export interface Provenance {
  /** e.g. the command line. */
  command?: string;
  /** Potential or model file. */
  source: string;
  /** Structure file. */
  structure?: string;
  /** ECT-EAM: energy E and grand potential Omega at the converged state, eV. */
  energy?: number;
  grandPotential?: number;
}

/**
 * The structure in a box LAMMPS accepts. Periodic cell vectors are kept as given (they must already
 * be in LAMMPS' restricted-triclinic orientation: a along x, b in the xy plane). Every open
 * direction gets an axis vector (a: x, b: y, c: z) as long as the atoms' extent along it plus
 * {@link CLUSTER_MARGIN} A on each side, and the atoms are shifted along that axis into the middle,
 * so dimers, linear molecules, monolayers and wires have a box of finite thickness (LAMMPS refuses
 * a flat one: "box size << cutoff"). Energies and forces do not change under the shift.
 */
export function lammpsFrame(atoms: Atoms): Atoms {
  const out = atoms.copy();
  const open = [0, 1, 2].filter((d) => !atoms.pbc[d]);
  if (open.length === 0) return out;
  const h = Float64Array.from(atoms.cell);
  for (const d of open) for (let k = 0; k < 3; k++) h[3 * d + k] = k === d ? 1 : 0;
  const g = inverse3(h);
  if (g === null) {
    throw new InputError("the periodic cell vectors lie along an open direction's axis; rotate the structure so that a is along x and b in the xy plane");
  }
  const n = atoms.length;
  for (const d of open) {
    // s_d = x . column d of g: the coordinate along the open axis in A (its row is a unit vector)
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const s = atoms.positions[3 * i] * g[d] + atoms.positions[3 * i + 1] * g[3 + d] + atoms.positions[3 * i + 2] * g[6 + d];
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    for (let i = 0; i < n; i++) out.positions[3 * i + d] += CLUSTER_MARGIN - lo;
    out.cell[3 * d + d] = hi - lo + 2 * CLUSTER_MARGIN;
    for (let k = 0; k < 3; k++) if (k !== d) out.cell[3 * d + k] = 0;
  }
  return out;
}

/** Inverse of a 3x3 row-major matrix, or null when it is singular. */
function inverse3(m: Float64Array): Float64Array | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-12)) return null;
  return Float64Array.of(A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det);
}

/**
 * LAMMPS boundary: p where periodic, m where open (shrink-wrapped, but never tighter than the box
 * written: plain s would shrink a dimer's box to zero width, which LAMMPS cannot bin).
 */
function boundary(pbc: readonly boolean[]): string {
  return pbc.map((p) => (p ? "p" : "m")).join(" ");
}

/** Options of {@link lammpsInputScript}. */
export interface InputScriptOptions {
  title: string;
  atomStyle: "atomic" | "charge";
  pbc: readonly boolean[];
  pairStyle: string;
  pairCoeffs: string[];
  kspace?: string[];
  /** Type labels in type order, for the comments. */
  typeLabels: string[];
  /** Element symbol of each type, in type order (the dump's `element` column). */
  typeElements: string[];
  /** Lines added as comments at the top (what is exact, constants to add). */
  notes?: string[];
}

/**
 * The input script: reads data.lmp, sets the pair style, prints energy and pressure and writes
 * forces for `run 0`; an NVE / NVT block the user can switch on follows, commented out.
 */
export function lammpsInputScript(o: InputScriptOptions): string {
  const lines = [
    `# ${o.title}`,
    "# written by ect-eam export-lammps; run with:  lmp -in in.lammps   (or mpirun -np N lmp -in in.lammps)",
    ...(o.notes ?? []).map((s) => `# ${s}`),
    `# atom types: ${o.typeLabels.map((l, i) => `${i + 1}=${l}`).join(" ")}`,
    "",
    "units           metal",
    `atom_style      ${o.atomStyle}`,
    "atom_modify     map array",
    `boundary        ${boundary(o.pbc)}`,
    "box             tilt large",
    `read_data       ${EXPORT_FILES.data}`,
    "",
    `pair_style      ${o.pairStyle}`,
    ...o.pairCoeffs.map((c) => `pair_coeff      ${c}`),
    ...(o.kspace ?? []),
    "neighbor        1.0 bin",
    "neigh_modify    every 1 delay 0 check yes",
    "",
    "compute         peatom all pe/atom",
    "thermo_style    custom step pe ke etotal temp press vol",
    "thermo_modify   format float %.16g",
    "dump            forces all custom 1 forces.dump id type element x y z fx fy fz c_peatom",
    `dump_modify     forces format float %.17g sort id element ${o.typeElements.join(" ")}`,
    "run             0",
    'print           "EXPORT_PE $(pe:%.17g)"',
    "undump          forces",
    "",
    "# ---- molecular dynamics: remove the leading '#' of one block to run it",
    "# NVE (time step 1 fs = 0.001 ps in metal units):",
    "# velocity        all create 300.0 4928459 mom yes rot yes dist gaussian",
    "# timestep        0.001",
    "# fix             integrate all nve",
    "# thermo          100",
    "# run             10000",
    "#",
    "# NVT (Nose-Hoover, 300 K, damping 100 fs):",
    "# velocity        all create 300.0 4928459 mom yes rot yes dist gaussian",
    "# timestep        0.001",
    "# fix             integrate all nvt temp 300.0 300.0 0.1",
    "# thermo          100",
    "# run             10000",
    "",
  ];
  return lines.join("\n");
}

function dataFile(atoms: Atoms, labels: string[], typeOfAtom: ArrayLike<number>, charges: ArrayLike<number> | null, comment: string): string {
  // formatLammpsData maps symbols to types: give each atom its type label as symbol.
  const a = atoms.copy();
  a.symbols = Array.from(typeOfAtom, (t) => labels[t]);
  a.velocities = null;
  a.arrays = charges ? { charges: { kind: "R", ncols: 1, data: Float64Array.from(charges) } } : {};
  return formatLammpsData(a, { species: labels, comment });
}

function readme(p: Provenance, body: string[]): string {
  return [
    "Exported by ect-eam export-lammps",
    p.command ? `command:   ${p.command}` : "",
    `source:    ${p.source}`,
    p.structure ? `structure: ${p.structure}` : "",
    `written:   ${new Date().toISOString()}`,
    "",
    ...body,
    "",
    "Run:  lmp -in in.lammps        (MPI: mpirun -np 8 lmp -in in.lammps)",
    "The run prints EXPORT_PE (total potential energy, eV) and writes forces.dump (id type element x y z fx fy fz pe/atom; eV/A, eV).",
    "",
  ]
    .filter((l, i, all) => l !== "" || all[i - 1] !== "")
    .join("\n");
}

/**
 * Exports a classic EAM potential with a structure: `potential.eam.alloy` (or `potential.eam.fs`
 * when the densities depend on the host element), `data.lmp`, `in.lammps`, `README.txt`.
 * Types are the potential's elements present in the structure, in the potential's order.
 */
export function exportEamLammps(pot: EamPotential, atoms: Atoms, prov: Provenance): LammpsExport {
  const table = exportEamTables(pot);
  for (let i = 0; i < atoms.length; i++) {
    if (!pot.elements.includes(atoms.symbols[i])) {
      throw new InputError(`species '${atoms.symbols[i]}' is not in ${pot.source} (elements: ${pot.elements.join(", ")})`, { atom: i });
    }
  }
  const labels = pot.elements.filter((e) => atoms.symbols.includes(e));
  const frame = lammpsFrame(atoms);
  const typeOfAtom = frame.symbols.map((s) => labels.indexOf(s));
  const input = lammpsInputScript({
    title: `${pot.source} (${pot.style}) as ${table.style}: ${atoms.length} atoms`,
    atomStyle: "atomic",
    pbc: atoms.pbc,
    pairStyle: table.style,
    pairCoeffs: [`* * ${table.fileName} ${labels.join(" ")}`],
    typeLabels: labels,
    typeElements: labels,
  });
  const body = [
    `potential: ${table.fileName} (pair_style ${table.style}), the tables of ${pot.source} (${pot.style}) on the same grids`,
    `  (nr ${pot.nr}, dr ${pot.dr} A, nrho ${pot.nrho}, drho ${pot.drho}, cutoff ${pot.cutoff} A): LAMMPS builds the same splines,`,
    "  so energies and forces agree with this package (and with LAMMPS on the original file) to rounding.",
    pot.style === "eam"
      ? `  funcfl note: identical for host densities up to ${(pot.nrho - 1) * pot.drho}; above, the original funcfl holds F one spacing longer before continuing linearly.`
      : "",
    `data:      ${EXPORT_FILES.data} (atom_style atomic, ${atoms.length} atoms, types ${labels.map((l, i) => `${i + 1}=${l}`).join(" ")})`,
  ].filter((l) => l !== "");
  return {
    files: {
      [table.fileName]: table.text,
      [EXPORT_FILES.data]: dataFile(frame, labels, typeOfAtom, null, `ect-eam export: ${atoms.length} atoms, ${pot.source}`),
      [EXPORT_FILES.input]: input,
      [EXPORT_FILES.readme]: readme(prov, body),
    },
    potentialFile: table.fileName,
    atoms: frame,
    typeLabels: labels,
  };
}

/**
 * Exports an ECT-EAM system in the fixed-charge limit: the converged weights are frozen into atom
 * types (see {@link freezeEct}), written as `potential.eam.alloy` plus the long-range pair style.
 *
 * @param weights converged weights, N x 4 (EctResults.weights)
 */
export function exportEctLammps(tables: EctTables, atoms: Atoms, weights: ArrayLike<number>, prov: Provenance, opts: FreezeOptions = {}): LammpsExport {
  const frozen = freezeEct(tables, atoms, weights, opts);
  const labels = frozen.types.map((t) => t.label);
  const potentialFile = "potential.eam.alloy";
  const frame = lammpsFrame(atoms);
  const ts = -frozen.kT * frozen.entropy;
  const notes = [
    `ECT-EAM in the fixed-charge limit: ${frozen.types.length} atom types (element, frozen weights); long range ${frozen.longRange}${frozen.exact ? " (exact)" : " (not exact, see README.txt)"}`,
    `pe is the ECT-EAM energy E at these weights; the grand potential is Omega = pe + (${ts.toPrecision(12)}) eV (-kT S, constant while weights are frozen)`,
  ];
  const input = lammpsInputScript({
    title: `ECT-EAM ${prov.source}, fixed-charge limit: ${atoms.length} atoms`,
    atomStyle: frozen.atomStyle,
    pbc: atoms.pbc,
    pairStyle: frozen.pairStyle,
    pairCoeffs: frozen.pairCoeffs(potentialFile),
    kspace: frozen.kspace,
    typeLabels: labels,
    typeElements: frozen.types.map((t) => t.element),
    notes,
  });
  const typeTable = frozen.types.map(
    (t, i) =>
      `  ${String(i + 1).padStart(3)} ${t.label.padEnd(8)} ${String(t.count).padStart(6)} atoms  q = ${t.charge.toPrecision(12).padStart(16)} e  weights [${t.weights.map((w) => w.toPrecision(10)).join(", ")}]`,
  );
  const body = [
    "What this is: the ECT-EAM model in the fixed-charge limit. The ensemble weights of every atom",
    "are frozen at their converged values; atoms with the same element and weights form one LAMMPS",
    "atom type whose density is the weight-averaged state density, whose embedding function is the",
    "weight-averaged E_AM + F_AM(rho), and whose pair tables hold the pair function, the Coulomb",
    "remainder between the state densities and the resonance coupling at these weights.",
    "Charges do not respond to the environment in LAMMPS: valid near the exported configuration.",
    "",
    `potential: ${potentialFile} (eam/alloy, nr ${frozen.setfl.nr}, dr ${frozen.setfl.dr} A, nrho ${frozen.setfl.nrho}, drho ${frozen.setfl.drho}, cutoff ${frozen.setfl.cutoff} A)`,
    `pair_style ${frozen.pairStyle}`,
    ...frozen.kspace.map((l) => l.replace(/\s+/g, " ")),
    `types (${frozen.types.length}):`,
    ...typeTable,
    "",
    ...(prov.energy !== undefined ? [`ECT-EAM energy E at the converged state:      ${prov.energy.toPrecision(15)} eV`] : []),
    ...(prov.grandPotential !== undefined ? [`grand potential Omega = E - kT S:            ${prov.grandPotential.toPrecision(15)} eV`] : []),
    `-kT S of the frozen weights (kT = ${frozen.kT} eV, S = ${frozen.entropy.toPrecision(12)}): ${ts.toPrecision(12)} eV`,
    "LAMMPS pe = E at the frozen weights (the entropy term is not in pe; add it to compare with Omega).",
    "",
    "Notes:",
    ...frozen.notes.map((s) => `- ${s}`),
  ];
  return {
    files: {
      [potentialFile]: writeFrozenSetfl(frozen),
      [EXPORT_FILES.data]: dataFile(frame, labels, frozen.typeOfAtom, frozen.charges, `ect-eam export (ECT-EAM fixed charges): ${atoms.length} atoms`),
      [EXPORT_FILES.input]: input,
      [EXPORT_FILES.readme]: readme(prov, body),
    },
    potentialFile,
    atoms: frame,
    typeLabels: labels,
    frozen,
  };
}
