/**
 * LAMMPS data files (`read_data` / `write_data`) for `atom_style atomic`, and `atom_style charge` on input.
 *
 * Units are LAMMPS `metal`: lengths in A, masses in amu (g/mol), velocities in A/ps in the file
 * (converted to and from A/fs, the unit of `Atoms.velocities`).
 *
 * Conventions of this module:
 * - The cell is the LAMMPS box as rows a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz) in A.
 * - Positions are shifted by -(xlo, ylo, zlo), so the box origin is at 0 in the returned `Atoms`
 *   (a box `-5 5 xlo xhi` gives x in [0, 10)). The writer always writes `0 lx xlo xhi` etc.
 * - Image flags `ix iy iz` are applied: position += ix*a + iy*b + iz*c (unwrapped coordinates).
 * - Atoms are sorted by id; the ids themselves are not kept.
 * - A data file does not say which directions are periodic (that is the input script's `boundary`),
 *   so `pbc` is always [true, true, true] on reading.
 */
import { Atoms, type ArrayColumn } from "../atoms.js";
import { atomicNumber, massOf, symbolOf } from "../elements.js";
import { InputError } from "../errors.js";

/** Velocity in A/ps (LAMMPS metal units) per A/fs: file value = A/fs value * 1000. */
const APS_PER_AFS = 1000;
/** Largest |mass - standard atomic weight| (amu) accepted when guessing a species from a mass. */
const MASS_MATCH_TOLERANCE = 0.1;

/** Options for {@link parseLammpsData}. */
export interface ParseLammpsDataOptions {
  /** File name used in error messages only. */
  fileName?: string;
  /**
   * Chemical symbol for each atom type 1..ntypes (index 0 is type 1), exactly ntypes entries.
   * When absent, species come from `# Symbol` comments in the Masses section, else from the masses.
   */
  species?: string[];
}

/** Options for {@link formatLammpsData}. */
export interface FormatLammpsDataOptions {
  /** Chemical symbol of each atom type, in type order (species[0] is type 1). Every atom's symbol must be listed. */
  species: string[];
  /** First (comment) line of the file; newlines are replaced by spaces. */
  comment?: string;
}

interface Line {
  /** 1-based line number. */
  no: number;
  /** Text before any `#`, trimmed. */
  body: string;
  /** Text after the first `#`, trimmed ("" when there is none). */
  comment: string;
}

/** Parse a LAMMPS `read_data` file from memory; see the module comment for the conventions. */
export function parseLammpsData(text: string, opts: ParseLammpsDataOptions = {}): Atoms {
  const file = opts.fileName;
  const err = (msg: string, line?: number): InputError => new InputError(msg, { file, line });

  const rawLines = text.split(/\r?\n/);
  const lines: Line[] = [];
  // Line 1 is always a free-text comment and is skipped, as LAMMPS does.
  for (let i = 1; i < rawLines.length; i++) {
    const raw = rawLines[i];
    const hash = raw.indexOf("#");
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    const comment = hash >= 0 ? raw.slice(hash + 1).trim() : "";
    if (body === "") continue;
    lines.push({ no: i + 1, body, comment });
  }

  const num = (tok: string | undefined, what: string, line: number): number => {
    const v = tok === undefined || tok === "" ? NaN : Number(tok);
    if (!Number.isFinite(v)) throw err(`bad number '${tok ?? ""}' for ${what}`, line);
    return v;
  };
  const int = (tok: string | undefined, what: string, line: number): number => {
    const v = num(tok, what, line);
    if (!Number.isInteger(v)) throw err(`bad integer '${tok}' for ${what}`, line);
    return v;
  };
  const startsNumeric = (body: string): boolean => /^[-+.\d]/.test(body);

  // ---- header ----
  let natoms: number | undefined;
  let ntypes: number | undefined;
  let lo = [-0.5, -0.5, -0.5]; // LAMMPS defaults when a bound line is absent
  let hi = [0.5, 0.5, 0.5];
  let xy = 0,
    xz = 0,
    yz = 0;
  let k = 0;
  for (; k < lines.length; k++) {
    const { body, no } = lines[k];
    if (!startsNumeric(body)) break; // first section keyword ends the header
    const toks = body.split(/\s+/);
    // The keyword is the trailing words; the values are the tokens before it.
    const kw = /(?:^|\s)(atom types|atoms|xlo xhi|ylo yhi|zlo zhi|xy xz yz)$/.exec(toks.join(" "));
    const words = kw ? kw[1] : "";
    const nvals = toks.length - words.split(" ").length;
    const expected = words === "atoms" || words === "atom types" ? 1 : words === "xy xz yz" ? 3 : 2;
    if (words && nvals !== expected) {
      throw err(`header line '${words}' needs ${expected} number${expected > 1 ? "s" : ""} before the keyword, found ${nvals}`, no);
    }
    if (words === "atoms") {
      natoms = int(toks[0], "the number of atoms", no);
      if (natoms < 0) throw err(`negative number of atoms ${natoms}`, no);
    } else if (words === "atom types") {
      ntypes = int(toks[0], "the number of atom types", no);
      if (ntypes < 1) throw err(`number of atom types must be at least 1, got ${ntypes}`, no);
    } else if (words === "xlo xhi" || words === "ylo yhi" || words === "zlo zhi") {
      const d = "xyz".indexOf(words[0]);
      lo = lo.slice();
      hi = hi.slice();
      lo[d] = num(toks[0], `${words[0]}lo`, no);
      hi[d] = num(toks[1], `${words[0]}hi`, no);
      if (!(hi[d] > lo[d])) throw err(`${words}: upper bound ${hi[d]} is not above lower bound ${lo[d]}`, no);
    } else if (words === "xy xz yz") {
      xy = num(toks[0], "xy", no);
      xz = num(toks[1], "xz", no);
      yz = num(toks[2], "yz", no);
    }
    // Other header lines (bonds, angles, extra ... per atom, ellipsoids, ...) are irrelevant here.
  }
  const firstSectionLine = k < lines.length ? lines[k].no : rawLines.length;
  if (natoms === undefined) throw err("missing header line 'N atoms'", firstSectionLine);
  if (ntypes === undefined) throw err("missing header line 'N atom types'", firstSectionLine);
  const nt = ntypes;

  // ---- sections ----
  const massOfType: (number | undefined)[] = new Array(nt + 1).fill(undefined);
  const symbolFromComment: (string | undefined)[] = new Array(nt + 1).fill(undefined);
  let atomRows: { id: number; type: number; x: number; y: number; z: number; q: number; img: number[]; no: number }[] | null = null;
  let atomStyle: "atomic" | "charge" = "atomic";
  let velRows: Map<number, [number, number, number]> | null = null;
  let velLine = 0;

  /** The `count` data lines after section header k; checks there are exactly `count`. */
  const sectionBody = (name: string, count: number): Line[] => {
    const rows: Line[] = [];
    let j = k + 1;
    while (j < lines.length && startsNumeric(lines[j].body) && rows.length < count) rows.push(lines[j++]);
    if (rows.length < count) {
      const at = j < lines.length ? lines[j].no : rawLines.length;
      throw err(`${name} section has ${rows.length} lines, expected ${count} (from the header)`, at);
    }
    if (j < lines.length && startsNumeric(lines[j].body)) {
      throw err(`${name} section has more than the ${count} lines announced in the header`, lines[j].no);
    }
    k = j;
    return rows;
  };

  while (k < lines.length) {
    const { body, comment, no } = lines[k];
    const name = body.replace(/\s+/g, " ");
    if (name === "Masses") {
      for (const ln of sectionBody("Masses", nt)) {
        const t = ln.body.split(/\s+/);
        const type = int(t[0], "atom type", ln.no);
        if (type < 1 || type > nt) throw err(`unknown atom type ${type} in Masses (types are 1..${nt})`, ln.no);
        const m = num(t[1], `the mass of type ${type}`, ln.no);
        if (!(m > 0)) throw err(`mass of type ${type} must be positive, got ${m}`, ln.no);
        massOfType[type] = m;
        const sym = ln.comment.split(/\s+/)[0];
        if (sym && atomicNumber(sym) !== undefined) symbolFromComment[type] = sym;
      }
    } else if (name === "Atoms") {
      const style = comment.split(/\s+/)[0] || "atomic";
      if (style !== "atomic" && style !== "charge") {
        throw err(`atom_style '${style}' is not supported (only atomic and charge)`, no);
      }
      atomStyle = style;
      const off = style === "charge" ? 1 : 0;
      atomRows = [];
      for (const ln of sectionBody("Atoms", natoms)) {
        const t = ln.body.split(/\s+/);
        if (t.length !== 5 + off && t.length !== 8 + off) {
          const cols = style === "charge" ? "'id type q x y z [ix iy iz]'" : "'id type x y z [ix iy iz]'";
          throw err(`Atoms (${style}) line has ${t.length} columns, expected ${cols}`, ln.no);
        }
        const id = int(t[0], "atom id", ln.no);
        if (id < 1) throw err(`atom id must be positive, got ${id}`, ln.no);
        const type = int(t[1], "atom type", ln.no);
        if (type < 1 || type > nt) throw err(`unknown atom type ${type} (types are 1..${nt})`, ln.no);
        const q = off ? num(t[2], "charge", ln.no) : 0;
        atomRows.push({
          id,
          type,
          q,
          x: num(t[2 + off], "x", ln.no),
          y: num(t[3 + off], "y", ln.no),
          z: num(t[4 + off], "z", ln.no),
          img: t.length === 8 + off ? [5, 6, 7].map((c) => int(t[c + off], "image flag", ln.no)) : [0, 0, 0],
          no: ln.no,
        });
      }
    } else if (name === "Velocities") {
      velLine = no;
      velRows = new Map();
      for (const ln of sectionBody("Velocities", natoms)) {
        const t = ln.body.split(/\s+/);
        if (t.length < 4) throw err(`Velocities line has ${t.length} columns, expected 'id vx vy vz'`, ln.no);
        const id = int(t[0], "atom id", ln.no);
        if (velRows.has(id)) throw err(`duplicate velocity for atom id ${id}`, ln.no);
        velRows.set(id, [num(t[1], "vx", ln.no), num(t[2], "vy", ln.no), num(t[3], "vz", ln.no)]);
      }
    } else {
      // Any other section (Pair Coeffs, Bonds, ...): skip its numeric lines.
      k++;
      while (k < lines.length && startsNumeric(lines[k].body)) k++;
    }
  }

  if (atomRows === null) {
    if (natoms > 0) throw err(`no Atoms section, but the header announces ${natoms} atoms`, rawLines.length);
    atomRows = [];
  }
  atomRows.sort((p, q) => p.id - q.id);
  for (let i = 1; i < atomRows.length; i++) {
    if (atomRows[i].id === atomRows[i - 1].id) throw err(`duplicate atom id ${atomRows[i].id}`, atomRows[i].no);
  }

  // ---- species per type ----
  const typeSymbol: string[] = new Array(nt + 1).fill("");
  if (opts.species) {
    if (opts.species.length !== nt) {
      throw err(`species lists ${opts.species.length} symbols (${opts.species.join(" ")}) but the file has ${nt} atom types`);
    }
    opts.species.forEach((s, i) => {
      if (atomicNumber(s) === undefined) throw err(`unknown chemical symbol '${s}' given for atom type ${i + 1}`);
      typeSymbol[i + 1] = s;
    });
  } else {
    const used = new Set(atomRows.map((r) => r.type));
    for (let t = 1; t <= nt; t++) {
      const fromComment = symbolFromComment[t];
      if (fromComment) {
        typeSymbol[t] = fromComment;
        continue;
      }
      const m = massOfType[t];
      const guess = m === undefined ? undefined : elementForMass(m);
      if (guess) {
        typeSymbol[t] = guess;
      } else if (used.has(t)) {
        const why = m === undefined ? "the file has no mass for it" : `its mass ${m} amu matches no element within ${MASS_MATCH_TOLERANCE} amu`;
        throw err(`cannot tell the element of atom type ${t}: ${why}; pass species (one symbol per atom type)`);
      }
    }
  }

  // ---- build Atoms ----
  const n = atomRows.length;
  const lx = hi[0] - lo[0],
    ly = hi[1] - lo[1],
    lz = hi[2] - lo[2];
  const cell = [lx, 0, 0, xy, ly, 0, xz, yz, lz];
  const symbols: string[] = new Array(n);
  const positions = new Float64Array(3 * n);
  const masses = new Float64Array(n);
  const charges = new Float64Array(n);
  const index = new Map<number, number>();
  atomRows.forEach((r, i) => {
    index.set(r.id, i);
    symbols[i] = typeSymbol[r.type];
    masses[i] = massOfType[r.type] ?? massOf(typeSymbol[r.type]);
    const [ix, iy, iz] = r.img;
    positions[3 * i] = r.x - lo[0] + ix * lx + iy * xy + iz * xz;
    positions[3 * i + 1] = r.y - lo[1] + iy * ly + iz * yz;
    positions[3 * i + 2] = r.z - lo[2] + iz * lz;
    charges[i] = r.q;
  });
  let velocities: Float64Array | null = null;
  if (velRows) {
    velocities = new Float64Array(3 * n);
    for (const [id, v] of velRows) {
      const i = index.get(id);
      if (i === undefined) throw err(`Velocities section has atom id ${id}, which is not in the Atoms section`, velLine);
      velocities[3 * i] = v[0] / APS_PER_AFS;
      velocities[3 * i + 1] = v[1] / APS_PER_AFS;
      velocities[3 * i + 2] = v[2] / APS_PER_AFS;
    }
  }
  const arrays: Record<string, ArrayColumn> = {};
  if (atomStyle === "charge") arrays.charges = { kind: "R", ncols: 1, data: charges };
  return new Atoms({ symbols, positions, cell, pbc: [true, true, true], masses, velocities, arrays });
}

/** Element whose standard atomic weight is nearest to `mass` (amu), if within the tolerance. */
function elementForMass(mass: number): string | undefined {
  let best: string | undefined;
  let bestDiff = MASS_MATCH_TOLERANCE;
  for (let z = 1; ; z++) {
    const s = symbolOf(z);
    if (s === undefined) break;
    const d = Math.abs(massOf(s) - mass);
    if (d <= bestDiff) {
      bestDiff = d;
      best = s;
    }
  }
  return best;
}

/**
 * Format `atoms` as a LAMMPS data file for `read_data` (units metal: A, amu, velocities in A/ps).
 *
 * Writes `atom_style atomic` (`Atoms # atomic`, `id type x y z`), or `atom_style charge`
 * (`Atoms # charge`, `id type q x y z`) when `atoms.arrays.charges` is a 1-column real array.
 * Numbers are written with `String(x)` (shortest exact round trip). The box is `0 lx xlo xhi` etc.;
 * the `xy xz yz` line is written only when a tilt is nonzero. Positions are written as they are (no
 * wrapping, image flags 0); LAMMPS wraps atoms outside a periodic box on reading. Masses carry a
 * `# Symbol` comment. Velocities (A/fs) are written in A/ps when present. `pbc` is not representable:
 * set `boundary` in the input script. LAMMPS versions before 2023 also refuse tilts larger than half
 * the box length unless `box tilt large` is given.
 *
 * @throws InputError when the cell is not LAMMPS restricted triclinic (a along +x, b in the xy plane
 *   with positive y, c with positive z), when an atom's symbol is not in `species`, or when atoms of
 *   one type have different masses.
 */
export function formatLammpsData(atoms: Atoms, opts: FormatLammpsDataOptions): string {
  const species = opts.species;
  const typeOf = new Map<string, number>();
  species.forEach((s, i) => {
    if (typeOf.has(s)) throw new InputError(`species lists '${s}' twice`);
    typeOf.set(s, i + 1);
  });
  if (species.length === 0) throw new InputError("species must list at least one element (one per atom type)");

  const c = atoms.cell;
  const scale = Math.max(...Array.from(c, Math.abs));
  const tol = 1e-12 * scale;
  if (Math.abs(c[1]) > tol || Math.abs(c[2]) > tol || Math.abs(c[5]) > tol || !(c[0] > 0) || !(c[4] > 0) || !(c[8] > 0)) {
    throw new InputError(
      `cell [${Array.from(c).join(", ")}] is not a LAMMPS restricted-triclinic box: LAMMPS needs a = (lx,0,0), ` +
        "b = (xy,ly,0), c = (xz,yz,lz) with lx, ly, lz > 0 (a along x, b in the xy plane); rotate the structure first",
    );
  }
  const [lx, xy, ly, xz, yz, lz] = [c[0], c[3], c[4], c[6], c[7], c[8]];

  const n = atoms.length;
  const types = new Int32Array(n);
  const massOfType: (number | undefined)[] = new Array(species.length + 1).fill(undefined);
  for (let i = 0; i < n; i++) {
    const t = typeOf.get(atoms.symbols[i]);
    if (t === undefined) {
      throw new InputError(`symbol '${atoms.symbols[i]}' is not in species [${species.join(", ")}]`, { atom: i });
    }
    types[i] = t;
    const m = atoms.masses[i];
    if (massOfType[t] === undefined) massOfType[t] = m;
    else if (massOfType[t] !== m) {
      throw new InputError(
        `atoms of type ${t} (${species[t - 1]}) have different masses (${massOfType[t]} and ${m} amu); LAMMPS atom_style atomic has one mass per type`,
        { atom: i },
      );
    }
  }

  const q = atoms.arrays.charges;
  const charges = q && q.kind === "R" && q.ncols === 1 ? q.data : null;
  const fmt = (x: number): string => String(x);

  const out: string[] = [];
  out.push((opts.comment ?? "LAMMPS data file written by ect-eam (units metal)").replace(/[\r\n]+/g, " "));
  out.push("");
  out.push(`${n} atoms`);
  out.push(`${species.length} atom types`);
  out.push("");
  out.push(`0 ${fmt(lx)} xlo xhi`);
  out.push(`0 ${fmt(ly)} ylo yhi`);
  out.push(`0 ${fmt(lz)} zlo zhi`);
  if (xy !== 0 || xz !== 0 || yz !== 0) out.push(`${fmt(xy)} ${fmt(xz)} ${fmt(yz)} xy xz yz`);
  out.push("", "Masses", "");
  species.forEach((s, i) => out.push(`${i + 1} ${fmt(massOfType[i + 1] ?? massOf(s))} # ${s}`));
  out.push("", charges ? "Atoms # charge" : "Atoms # atomic", "");
  const p = atoms.positions;
  for (let i = 0; i < n; i++) {
    const xyz = `${fmt(p[3 * i])} ${fmt(p[3 * i + 1])} ${fmt(p[3 * i + 2])}`;
    out.push(charges ? `${i + 1} ${types[i]} ${fmt(charges[i])} ${xyz}` : `${i + 1} ${types[i]} ${xyz}`);
  }
  const v = atoms.velocities;
  if (v) {
    out.push("", "Velocities", "");
    for (let i = 0; i < n; i++) {
      out.push(`${i + 1} ${fmt(v[3 * i] * APS_PER_AFS)} ${fmt(v[3 * i + 1] * APS_PER_AFS)} ${fmt(v[3 * i + 2] * APS_PER_AFS)}`);
    }
  }
  out.push("");
  return out.join("\n");
}
