/**
 * Writers of LAMMPS EAM tables: setfl (`pair_style eam/alloy`) and Finnis-Sinclair (`eam/fs`).
 *
 * The writers take grid values on LAMMPS' grids (r_m = m*dr, rho_m = m*drho, m = 0..n-1) and print
 * them with 17 significant digits, so that LAMMPS reads back the same doubles and its
 * `file2array()` + `interpolate()` build the same cubic records as ours: a setfl or fs file is used
 * by LAMMPS without regridding, so equal nr/dr/nrho/drho give identical splines.
 *
 * Browser-safe: everything returns strings.
 */
import { atomicNumber } from "../elements.js";
import { InputError } from "../errors.js";
import { elementOfLabel } from "../potentials/eam-parse.js";
import type { EamPotential, SplineTable } from "../potentials/types.js";

/** One element (atom type) block of a setfl/fs file. */
export interface SetflElement {
  /** Name on the element line (a chemical symbol, or a label `Symbol_tag`; LAMMPS matches pair_coeff names against it). */
  name: string;
  /** Atomic number, mass (amu), lattice constant (A) and lattice name of the `Z mass a lattice` line. */
  Z: number;
  mass: number;
  a: number;
  lattice: string;
  /** F(rho_m), eV, nrho values. */
  embedding: Float64Array;
  /**
   * setfl: one array, the density this element contributes at any host (nr values).
   * fs: one array per host element b (nr values each): the density it contributes at hosts of b.
   */
  density: Float64Array[];
}

/** The contents of a setfl/fs file as grid values. */
export interface SetflData {
  style: "eam/alloy" | "eam/fs";
  /** Exactly three comment lines (provenance); newlines are replaced by spaces. */
  comments: [string, string, string];
  nrho: number;
  /** Embedding-grid spacing (density units). */
  drho: number;
  nr: number;
  /** Radial-grid spacing, A. */
  dr: number;
  /** Cutoff of every radial function, A (LAMMPS: r^2 < cutoff^2). */
  cutoff: number;
  elements: SetflElement[];
  /** rphi[i][j] = r*phi_ij(r_m), eV*A, nr values, for j <= i (the lower triangle is what the file holds). */
  rphi: Float64Array[][];
}

/** The grid values a LAMMPS spline table interpolates (its c6 coefficients), a new array. */
export function tableValues(t: SplineTable): Float64Array {
  const out = new Float64Array(t.n);
  for (let m = 0; m < t.n; m++) out[m] = t.coeffs[7 * m + 6];
  return out;
}

/** 17 significant digits: every double survives the trip through text unchanged. */
function num(x: number): string {
  if (!Number.isFinite(x)) throw new InputError(`cannot write ${x} to an EAM table (a non-finite value)`);
  return x.toExponential(16);
}

/** Five numbers per line, as DYNAMO files have them; each block starts on a new line. */
function block(values: ArrayLike<number>, out: string[]): void {
  for (let k = 0; k < values.length; k += 5) {
    const line: string[] = [];
    for (let j = k; j < Math.min(k + 5, values.length); j++) line.push(num(values[j]));
    out.push(line.join(" "));
  }
}

/**
 * Formats a setfl (`eam/alloy`) or Finnis-Sinclair (`eam/fs`) file.
 * @throws InputError when the arrays do not have the grid's lengths or a name cannot be a LAMMPS element name
 */
export function formatSetfl(d: SetflData): string {
  const nel = d.elements.length;
  if (nel < 1) throw new InputError("an EAM table needs at least one element");
  if (!(d.nrho >= 5 && d.nr >= 5)) throw new InputError(`EAM table grids need nrho, nr >= 5, got ${d.nrho}, ${d.nr}`);
  const fs = d.style === "eam/fs";
  const out: string[] = d.comments.map((c) => c.replace(/[\r\n]+/g, " "));
  const names = d.elements.map((e) => e.name);
  for (const nm of names) {
    if (!/^\S+$/.test(nm) || nm.includes("#")) throw new InputError(`element name '${nm}' cannot be written on a setfl element line`);
    if (names.indexOf(nm) !== names.lastIndexOf(nm)) throw new InputError(`element name '${nm}' appears twice`);
  }
  out.push(`${nel} ${names.join(" ")}`);
  out.push(`${d.nrho} ${num(d.drho)} ${d.nr} ${num(d.dr)} ${num(d.cutoff)}`);
  const check = (a: ArrayLike<number>, n: number, what: string) => {
    if (a.length !== n) throw new InputError(`${what} has ${a.length} values, expected ${n}`);
  };
  for (const e of d.elements) {
    out.push(`${e.Z} ${num(e.mass)} ${num(e.a)} ${e.lattice || "none"}`);
    check(e.embedding, d.nrho, `F(rho) of ${e.name}`);
    block(e.embedding, out);
    if (e.density.length !== (fs ? nel : 1)) {
      throw new InputError(`element ${e.name} has ${e.density.length} density tables, expected ${fs ? nel : 1}`);
    }
    e.density.forEach((rho, b) => {
      check(rho, d.nr, `rho(r) of ${e.name}${fs ? ` at ${names[b]} hosts` : ""}`);
      block(rho, out);
    });
  }
  for (let i = 0; i < nel; i++) {
    for (let j = 0; j <= i; j++) {
      check(d.rphi[i][j], d.nr, `r*phi(r) of ${names[i]}-${names[j]}`);
      block(d.rphi[i][j], out);
    }
  }
  return out.join("\n") + "\n";
}

/**
 * Whether an eam/fs potential's densities depend only on the neighbour's element (then it is
 * exactly an eam/alloy potential): rhor[a][b] has the same values for every host b.
 */
export function fsIsAlloy(pot: EamPotential): boolean {
  for (const row of pot.rhor) {
    const first = tableValues(row[0]);
    for (const t of row.slice(1)) {
      const v = tableValues(t);
      if (v.length !== first.length || v.some((x, m) => x !== first[m])) return false;
    }
  }
  return true;
}

/** Three comment lines: the source's (up to three, padded) with the export noted on the last. */
function provenance(pot: EamPotential, note: string): [string, string, string] {
  const c = pot.comments.map((s) => s.trim()).filter((s) => s !== "");
  const lines = [c[0] ?? `EAM potential ${pot.source}`, c[1] ?? "", note];
  return [lines[0], lines[1] || `from ${pot.source} (${pot.style})`, lines[2]];
}

function elementsOf(pot: EamPotential, fs: boolean): SetflElement[] {
  return pot.elements.map((name, a) => {
    const line = pot.elementLines?.[a];
    const sym = elementOfLabel(name);
    return {
      name,
      Z: line?.Z ?? (sym ? atomicNumber(sym)! : 0),
      mass: pot.masses[a],
      a: line?.a ?? 0,
      lattice: line?.lattice ?? "",
      embedding: tableValues(pot.frho[a]),
      density: fs ? pot.rhor[a].map(tableValues) : [tableValues(pot.rhor[a][0])],
    };
  });
}

function rphiOf(pot: EamPotential): Float64Array[][] {
  return pot.elements.map((_, i) => pot.elements.slice(0, i + 1).map((__, j) => tableValues(pot.z2r[i][j])));
}

/**
 * A setfl (`.eam.alloy`) file that LAMMPS' `pair_style eam/alloy` evaluates exactly as `pot` is
 * evaluated (by LAMMPS with its own style, and by this package): same grids, same grid values.
 *
 * - funcfl (`eam`): the tables after LAMMPS' regridding (one point fewer than the file) and
 *   r*phi = 27.2*0.529*Z(r)^2 as LAMMPS forms it. Identical for rho <= (nrho-1)*drho; above it, funcfl
 *   keeps F at its last table value up to one spacing further before continuing linearly, setfl
 *   continues linearly from the table's end (only reached at extreme compression).
 * - eam/fs whose densities do not depend on the host element: written as setfl.
 *
 * @throws InputError for an eam/fs potential with host-dependent densities (use {@link writeEamFs})
 */
export function writeSetfl(pot: EamPotential): string {
  if (pot.style === "eam/fs" && !fsIsAlloy(pot)) {
    throw new InputError(
      `${pot.source}: its densities depend on the host element (eam/fs), which a setfl (eam/alloy) file cannot hold; write an .eam.fs file instead`,
    );
  }
  return formatSetfl({
    style: "eam/alloy",
    comments: provenance(pot, `setfl (eam/alloy) written by ect-eam export-lammps from ${pot.style} tables`),
    nrho: pot.nrho,
    drho: pot.drho,
    nr: pot.nr,
    dr: pot.dr,
    cutoff: pot.cutoff,
    elements: elementsOf(pot, false),
    rphi: rphiOf(pot),
  });
}

/** A Finnis-Sinclair (`.eam.fs`) file for any EAM potential (funcfl and setfl are the host-independent case). */
export function writeEamFs(pot: EamPotential): string {
  return formatSetfl({
    style: "eam/fs",
    comments: provenance(pot, `Finnis-Sinclair (eam/fs) written by ect-eam export-lammps from ${pot.style} tables`),
    nrho: pot.nrho,
    drho: pot.drho,
    nr: pot.nr,
    dr: pot.dr,
    cutoff: pot.cutoff,
    elements: elementsOf(pot, true),
    rphi: rphiOf(pot),
  });
}

/** The file to hand LAMMPS for an EAM potential: setfl when exact, otherwise eam/fs. */
export function exportEamTables(pot: EamPotential): { style: "eam/alloy" | "eam/fs"; fileName: string; text: string } {
  if (pot.style !== "eam/fs" || fsIsAlloy(pot)) return { style: "eam/alloy", fileName: "potential.eam.alloy", text: writeSetfl(pot) };
  return { style: "eam/fs", fileName: "potential.eam.fs", text: writeEamFs(pot) };
}
