/**
 * LAMMPS `dump custom` text frames (the format OVITO, VMD, ASE and LAMMPS' `read_dump` read):
 *
 *   ITEM: TIMESTEP / ITEM: NUMBER OF ATOMS / ITEM: BOX BOUNDS [xy xz yz] pp pp pp /
 *   ITEM: ATOMS id type element x y z vx vy vz fx fy fz [q]
 *
 * Units are LAMMPS metal: A, A/ps (velocities; `Atoms.velocities` are A/fs), eV/A, e. LAMMPS boxes
 * are restricted triclinic (a along +x, b in the xy plane); any other right-handed cell is rotated
 * into that frame, and positions, velocities and forces with it. Boundary flags: `pp` periodic,
 * `ff` open with a cell vector given, `ss` open without one (bounds from the atoms, "shrink-wrapped").
 * Numbers are written with `String(x)`, the shortest text that reads back to the same double.
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";

/** Velocity in A/ps (LAMMPS metal) per A/fs. */
const APS_PER_AFS = 1000;

/** What {@link formatLammpsDump} writes besides the structure. */
export interface LammpsDumpFrame {
  /** Time step number. */
  step: number;
  atoms: Atoms;
  /** Forces, eV/A, N x 3 (default: `atoms.arrays.forces` when present, else zeros). */
  forces?: ArrayLike<number>;
  /** Charges, e (default: `atoms.arrays.charges` when present, else no q column). */
  charges?: ArrayLike<number> | null;
  /** Element symbols in type order: type = index + 1 (default: order of first appearance). */
  species?: string[];
}

interface LammpsBox {
  lo: [number, number, number];
  hi: [number, number, number];
  tilt: [number, number, number];
  flags: string[];
  /** Rotation into the LAMMPS frame (rows), null when the cell is already in it. */
  rotation: number[][] | null;
}

const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: number[]) => Math.sqrt(dot(a, a));

/** One `dump custom` frame as text (ends with a newline). */
export function formatLammpsDump(frame: LammpsDumpFrame): string {
  const { atoms, step } = frame;
  if (!Number.isInteger(step) || step < 0) throw new InputError(`dump time step must be an integer >= 0, got ${step}`);
  const n = atoms.length;
  const species = frame.species ?? [...new Set(atoms.symbols)];
  const typeOf = new Map(species.map((s, i) => [s, i + 1]));
  const forces = frame.forces ?? (atoms.arrays.forces?.kind === "R" && atoms.arrays.forces.ncols === 3 ? atoms.arrays.forces.data : new Float64Array(3 * n));
  if (forces.length !== 3 * n) throw new InputError(`dump forces have ${forces.length} numbers, expected 3 x ${n}`);
  const q = frame.charges !== undefined ? frame.charges : atoms.arrays.charges?.kind === "R" && atoms.arrays.charges.ncols === 1 ? atoms.arrays.charges.data : null;
  if (q && q.length !== n) throw new InputError(`dump charges have ${q.length} numbers, expected ${n}`);
  const box = lammpsBox(atoms);
  const v = atoms.velocities ?? new Float64Array(3 * n);
  const rot = (a: ArrayLike<number>, i: number, s = 1): string => {
    const x = a[3 * i], y = a[3 * i + 1], z = a[3 * i + 2];
    const r = box.rotation;
    const out = r ? r.map((row) => (row[0] * x + row[1] * y + row[2] * z) * s) : [x * s, y * s, z * s];
    return out.map(String).join(" ");
  };
  const triclinic = box.tilt.some((t) => t !== 0);
  const lines: string[] = ["ITEM: TIMESTEP", String(step), "ITEM: NUMBER OF ATOMS", String(n)];
  if (triclinic) {
    const [xy, xz, yz] = box.tilt;
    const xlo = box.lo[0] + Math.min(0, xy, xz, xy + xz), xhi = box.hi[0] + Math.max(0, xy, xz, xy + xz);
    const ylo = box.lo[1] + Math.min(0, yz), yhi = box.hi[1] + Math.max(0, yz);
    lines.push(`ITEM: BOX BOUNDS xy xz yz ${box.flags.join(" ")}`, `${xlo} ${xhi} ${xy}`, `${ylo} ${yhi} ${xz}`, `${box.lo[2]} ${box.hi[2]} ${yz}`);
  } else {
    lines.push(`ITEM: BOX BOUNDS ${box.flags.join(" ")}`);
    for (let d = 0; d < 3; d++) lines.push(`${box.lo[d]} ${box.hi[d]}`);
  }
  lines.push(`ITEM: ATOMS id type element x y z vx vy vz fx fy fz${q ? " q" : ""}`);
  for (let i = 0; i < n; i++) {
    const t = typeOf.get(atoms.symbols[i]);
    if (t === undefined) throw new InputError(`symbol '${atoms.symbols[i]}' is not in species [${species.join(", ")}]`, { atom: i });
    lines.push(`${i + 1} ${t} ${atoms.symbols[i]} ${rot(atoms.positions, i)} ${rot(v, i, APS_PER_AFS)} ${rot(forces, i)}${q ? " " + String(q[i]) : ""}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * The LAMMPS box of a structure. Open directions without a usable vector get the bounding box of
 * the atoms along a direction orthogonal to the others (flag `ss`).
 */
function lammpsBox(atoms: Atoms): LammpsBox {
  const c = atoms.cell;
  const rows = [0, 1, 2].map((k) => [c[3 * k], c[3 * k + 1], c[3 * k + 2]]);
  const flags: string[] = [];
  const given = rows.map((r) => norm(r) > 1e-8);
  for (let k = 0; k < 3; k++) {
    if (atoms.pbc[k] && !given[k]) throw new InputError(`cell vector ${"abc"[k]} is periodic but has zero length`);
    flags.push(atoms.pbc[k] ? "pp" : given[k] ? "ff" : "ss");
  }
  // Complete missing rows with unit vectors orthogonal to the given ones.
  const h = rows.map((r) => r.slice());
  for (let k = 0; k < 3; k++) {
    if (given[k]) continue;
    const others = [0, 1, 2].filter((j) => j !== k && (given[j] || j < k)).map((j) => h[j]);
    let best = others.length === 2 ? cross(others[0], others[1]) : [0, 0, 0];
    if (others.length < 2) for (const ax of [[1, 0, 0], [0, 1, 0], [0, 0, 1]]) {
      let u = ax.slice();
      for (const o of others) {
        const oo = dot(o, o);
        if (oo > 0) u = u.map((x, i) => x - (dot(u, o) / oo) * o[i]);
      }
      if (norm(u) > norm(best)) best = u;
    }
    h[k] = best.map((x) => x / norm(best));
  }
  let det = dot(h[0], cross(h[1], h[2]));
  if (det < 0) {
    const k = [2, 1, 0].find((j) => !given[j]);
    if (k === undefined) throw new InputError("the cell is left-handed (a . (b x c) < 0); LAMMPS boxes are right-handed: swap two cell vectors");
    h[k] = h[k].map((x) => -x);
    det = -det;
  }
  if (!(det > 1e-12)) throw new InputError("degenerate cell: its vectors do not span three dimensions");
  // Shrink-wrapped rows span the atoms: fractional extent along that row.
  let origin = [0, 0, 0];
  const g = inverseRows(h, det);
  for (let k = 0; k < 3; k++) {
    if (given[k]) continue;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < atoms.length; i++) {
      const p = [atoms.positions[3 * i], atoms.positions[3 * i + 1], atoms.positions[3 * i + 2]];
      const s = p[0] * g[0][k] + p[1] * g[1][k] + p[2] * g[2][k];
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    const span = Math.max(hi - lo, 1e-6);
    origin = origin.map((o, i) => o + lo * h[k][i]);
    h[k] = h[k].map((x) => x * span);
  }
  const restricted = h[0][1] === 0 && h[0][2] === 0 && h[1][2] === 0 && h[0][0] > 0 && h[1][1] > 0 && h[2][2] > 0;
  let rotation: number[][] | null = null;
  let lx: number, ly: number, lz: number, xy: number, xz: number, yz: number;
  if (restricted) {
    [lx, xy, ly, xz, yz, lz] = [h[0][0], h[1][0], h[1][1], h[2][0], h[2][1], h[2][2]];
  } else {
    lx = norm(h[0]);
    const ex = h[0].map((x) => x / lx);
    xy = dot(h[1], ex);
    const yv = h[1].map((x, i) => x - xy * ex[i]);
    ly = norm(yv);
    const ey = yv.map((x) => x / ly);
    const ez = cross(ex, ey);
    xz = dot(h[2], ex);
    yz = dot(h[2], ey);
    lz = dot(h[2], ez);
    rotation = [ex, ey, ez];
    origin = [dot(origin, ex), dot(origin, ey), dot(origin, ez)];
  }
  return {
    lo: [origin[0], origin[1], origin[2]],
    hi: [origin[0] + lx, origin[1] + ly, origin[2] + lz],
    tilt: [xy, xz, yz],
    flags,
    rotation,
  };
}

/** Inverse of the row matrix h: fractional s_k = sum_a x_a g[a][k]. */
function inverseRows(h: number[][], det: number): number[][] {
  const r0 = cross(h[1], h[2]), r1 = cross(h[2], h[0]), r2 = cross(h[0], h[1]);
  return [0, 1, 2].map((a) => [r0[a] / det, r1[a] / det, r2[a] / det]);
}

/** One frame read back from a dump: box as written and per-atom columns by name. */
export interface ParsedDumpFrame {
  step: number;
  /** Box bounds as in the file (with tilt: the *_bound values) and tilt factors xy xz yz (0 when absent). */
  bounds: [number, number][];
  tilt: [number, number, number] | null;
  flags: string[];
  columns: string[];
  /** Column values per atom, in file order; `element` stays text, everything else is a number. */
  values: Record<string, (number | string)[]>;
}

/** Reads `dump custom` text (any columns) into frames; `fileName` is for messages. */
export function parseLammpsDump(text: string, fileName = "dump"): ParsedDumpFrame[] {
  const lines = text.split(/\r?\n/);
  const frames: ParsedDumpFrame[] = [];
  let at = 0;
  const err = (msg: string) => new InputError(`${fileName}:${at + 1}: ${msg}`);
  const expectItem = (name: string): string => {
    const l = lines[at] ?? "";
    if (!l.startsWith(`ITEM: ${name}`)) throw err(`expected 'ITEM: ${name}', got '${l}'`);
    at++;
    return l.slice(`ITEM: ${name}`.length).trim();
  };
  const num = (tok: string | undefined): number => {
    const v = Number(tok);
    if (tok === undefined || tok.trim() === "" || Number.isNaN(v)) throw err(`expected a number, got '${tok ?? ""}'`);
    return v;
  };
  while (at < lines.length && lines[at].trim() !== "") {
    expectItem("TIMESTEP");
    const step = num(lines[at++]);
    expectItem("NUMBER OF ATOMS");
    const n = num(lines[at++]);
    const boxWords = expectItem("BOX BOUNDS").split(/\s+/).filter(Boolean);
    const triclinic = boxWords[0] === "xy";
    const flags = triclinic ? boxWords.slice(3) : boxWords;
    const bounds: [number, number][] = [];
    const tilt: number[] = [];
    for (let d = 0; d < 3; d++) {
      const t = lines[at++].trim().split(/\s+/);
      bounds.push([num(t[0]), num(t[1])]);
      if (triclinic) tilt.push(num(t[2]));
    }
    const columns = expectItem("ATOMS").split(/\s+/).filter(Boolean);
    const values: Record<string, (number | string)[]> = Object.fromEntries(columns.map((c) => [c, []]));
    for (let i = 0; i < n; i++) {
      const t = (lines[at] ?? "").trim().split(/\s+/);
      if (t.length !== columns.length) throw err(`atom line has ${t.length} values, expected ${columns.length} (${columns.join(" ")})`);
      columns.forEach((c, k) => values[c].push(c === "element" ? t[k] : num(t[k])));
      at++;
    }
    frames.push({ step, bounds, tilt: triclinic ? (tilt as [number, number, number]) : null, flags, columns, values });
  }
  return frames;
}
