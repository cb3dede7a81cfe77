/**
 * A LAMMPS run of the Streitz-Mintmire model, which LAMMPS has natively: `pair_style hybrid/overlay
 * coul/streitz ... eam/alloy` with `fix qeq/slater` (and `kspace_style ewald` for Ewald), a data file
 * of `atom_style charge`. Browser-safe: returns file contents; the CLI writes them. Our "lammps" mode
 * is LAMMPS 29Sep2021's arithmetic, so `lmp` reproduces our energy, charges and forces to the QEq
 * tolerance; "consistent" mode has no LAMMPS counterpart and is refused.
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { formatLammpsData } from "../io/lammps-data.js";
import type { EamPotential } from "../potentials/types.js";
import type { StreitzParameters } from "../streitz/params.js";
import { lammpsFrame, type LammpsExport, type Provenance } from "./lammps.js";
import { exportEamTables } from "./setfl.js";

/** The settings of the run, as `StreitzCalculator.settings` holds them after an evaluation. */
export interface StreitzExportSettings {
  summation: "wolf" | "ewald";
  mode: "lammps" | "consistent";
  /** coul/streitz cutoff and fix qeq/slater cutoff, A. */
  coulCutoff: number;
  qeqCutoff: number;
  /** Wolf alpha (pair_style) and fix qeq/slater alpha, 1/A. */
  wolfAlpha: number;
  qeqAlpha: number;
  qeqTolerance: number;
  qeqMaxIter: number;
  ewaldAccuracy: number;
  /** Ewald g (1/A) and kmax used by our evaluation, written explicitly so LAMMPS uses the same. */
  ewald?: { g: number; kmax: readonly [number, number, number] } | null;
}

/** The `.streitz` parameter file of `params` (element, chi, J, gamma, zeta, Z), shortest exact numbers. */
export function formatStreitzFile(params: StreitzParameters, comment: string): string {
  const lines = [`# ${comment.replace(/\n/g, " ")}`, "# element  chi (eV)  J (eV)  gamma  zeta (1/A)  Z (e)"];
  for (const e of params.entries) lines.push([e.symbol, e.chi, e.J, e.gamma, e.zeta, e.Z].map(String).join(" "));
  return lines.join("\n") + "\n";
}

/**
 * Exports a Streitz-Mintmire system: `potential.eam.alloy` (the EAM part on its own grids),
 * `potential.streitz`, `data.lmp` (atom_style charge, our converged charges as LAMMPS' start),
 * `in.lammps` (run 0 with the QEq, then commented NVE / NVT blocks) and `README.txt`.
 *
 * @param charges converged charges (e), written as the QEq's starting point
 * @throws InputError for consistent mode, or a structure LAMMPS cannot take
 */
export function exportStreitzLammps(
  eam: EamPotential,
  params: StreitzParameters,
  settings: StreitzExportSettings,
  atoms: Atoms,
  charges: ArrayLike<number>,
  prov: Provenance,
): LammpsExport {
  if (settings.mode !== "lammps") {
    throw new InputError("export-lammps writes LAMMPS' own coul/streitz + fix qeq/slater (--streitz-mode lammps); consistent mode has no LAMMPS counterpart");
  }
  if (settings.summation === "ewald" && !atoms.pbc.every((p) => p)) throw new InputError("Ewald needs a structure periodic in all three directions");
  const table = exportEamTables(eam);
  if (table.style !== "eam/alloy") throw new InputError(`coul/streitz goes with eam/alloy; ${eam.source} is ${eam.style} with host-dependent densities`);
  const labels = eam.elements.filter((e) => atoms.symbols.includes(e));
  for (const s of labels) if (!params.bySymbol.has(s)) throw new InputError(`element ${s} is not in the Streitz parameter file ${params.source}`);
  const frame = lammpsFrame(atoms);
  frame.masses = Float64Array.from(frame.symbols, (s) => eam.masses[eam.elements.indexOf(s)]);
  frame.velocities = null;
  frame.arrays = { charges: { kind: "R", ncols: 1, data: Float64Array.from(charges) } };
  const s = settings;
  const summation = s.summation === "wolf" ? `wolf ${s.wolfAlpha}` : "ewald";
  const kspace =
    s.summation === "ewald"
      ? [`kspace_style    ewald ${s.ewaldAccuracy}`, ...(s.ewald ? [`kspace_modify   gewald ${s.ewald.g} kmax/ewald ${s.ewald.kmax.join(" ")}`] : [])]
      : [];
  const boundary = frame.pbc.map((p) => (p ? "p" : "m")).join(" ");
  const input = [
    `# Streitz-Mintmire ${prov.source}: ${atoms.length} atoms, ${s.summation}`,
    "# written by ect-eam export-lammps; run with:  lmp -in in.lammps   (or mpirun -np N lmp -in in.lammps)",
    `# atom types: ${labels.map((l, i) => `${i + 1}=${l}`).join(" ")}`,
    "",
    "units           metal",
    "atom_style      charge",
    "atom_modify     map array",
    `boundary        ${boundary}`,
    "box             tilt large",
    "read_data       data.lmp",
    "",
    `pair_style      hybrid/overlay coul/streitz ${s.coulCutoff} ${summation} eam/alloy`,
    ...kspace,
    `pair_coeff      * * coul/streitz potential.streitz ${labels.join(" ")}`,
    `pair_coeff      * * eam/alloy ${table.fileName} ${labels.join(" ")}`,
    "neighbor        1.0 bin",
    "neigh_modify    every 1 delay 0 check yes",
    `fix             qeq all qeq/slater 1 ${s.qeqCutoff} ${s.qeqTolerance} ${s.qeqMaxIter} coul/streitz alpha ${s.qeqAlpha}`,
    "",
    "thermo_style    custom step pe ke etotal temp press vol evdwl ecoul elong",
    "thermo_modify   format float %.16g",
    "dump            forces all custom 1 forces.dump id type element q x y z fx fy fz",
    `dump_modify     forces format float %.17g sort id element ${labels.join(" ")}`,
    "run             0",
    'print           "EXPORT_PE $(pe:%.17g)"',
    "undump          forces",
    "",
    "# ---- molecular dynamics: remove the leading '#' of one block to run it (QEq every step)",
    "# NVE (time step 0.4 fs = 0.0004 ps in metal units, as LAMMPS' examples/streitz):",
    "# velocity        all create 300.0 4928459 mom yes rot yes dist gaussian",
    "# timestep        0.0004",
    "# fix             integrate all nve",
    "# thermo          100",
    "# run             10000",
    "",
  ].join("\n");
  const readme = [
    "Exported by ect-eam export-lammps",
    prov.command ? `command:   ${prov.command}` : "",
    `source:    ${prov.source}`,
    prov.structure ? `structure: ${prov.structure}` : "",
    "",
    "What this is: the Streitz-Mintmire model as LAMMPS implements it (pair_style hybrid/overlay",
    "coul/streitz + eam/alloy, fix qeq/slater every step), which ect-eam reproduces in its default",
    "'lammps' mode. LAMMPS solves the charges again from the ones in data.lmp (ours, converged).",
    "",
    `potential: ${table.fileName} (eam/alloy, the tables of ${eam.source} on the same grids) and potential.streitz (${params.source})`,
    `summation: ${s.summation}${s.summation === "wolf" ? `, alpha ${s.wolfAlpha} 1/A` : s.ewald ? `, g ${s.ewald.g} 1/A, kmax ${s.ewald.kmax.join(" ")} (as ours)` : ""}; cutoff ${s.coulCutoff} A`,
    `QEq: fix qeq/slater cutoff ${s.qeqCutoff} A, alpha ${s.qeqAlpha} 1/A, tolerance ${s.qeqTolerance}, maxiter ${s.qeqMaxIter}`,
    prov.energy !== undefined ? `our energy: ${prov.energy.toPrecision(15)} eV` : "",
    "",
    "Run:  lmp -in in.lammps",
    "The run prints EXPORT_PE (total potential energy, eV) and writes forces.dump (charges e, forces eV/A).",
    "",
  ]
    .filter((l, i, all) => l !== "" || all[i - 1] !== "")
    .join("\n");
  return {
    files: {
      [table.fileName]: table.text,
      "potential.streitz": formatStreitzFile(params, `Streitz-Mintmire parameters from ${params.source}, written by ect-eam export-lammps`),
      "data.lmp": formatLammpsData(frame, { species: labels, comment: `ect-eam export (Streitz-Mintmire): ${atoms.length} atoms` }),
      "in.lammps": input,
      "README.txt": readme,
    },
    potentialFile: table.fileName,
    atoms: frame,
    typeLabels: labels,
  };
}
