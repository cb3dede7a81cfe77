/**
 * Readers for the three LAMMPS EAM file formats (funcfl `.eam`, setfl `.eam.alloy`, Finnis-Sinclair
 * `.eam.fs`), reproducing LAMMPS 29Sep2021 `pair_eam.cpp`, `pair_eam_alloy.cpp`, `pair_eam_fs.cpp`
 * (`read_file()`, `file2array()`, `array2spline()`) and its `TextFileReader`:
 *
 * - Header lines that LAMMPS skips (`skip_line()`) are taken verbatim as comments.
 * - Other lines are cut at the first '#', and blank lines are skipped.
 * - The element-count, `Z mass ...` and `nrho drho nr dr cut` records are single lines with at least
 *   as many words as LAMMPS reads (`next_values()`); extra words are ignored. (LAMMPS would let a short
 *   record continue on the next line; we report it instead.)
 * - Each block of numbers (`next_dvector()`) starts on a fresh line and may spread over any number
 *   of lines. LAMMPS silently drops numbers that follow the last value of a block on the same line;
 *   such a file means different things to LAMMPS and to a token-stream reader (ASE), so it is
 *   rejected here instead.
 * - Numbers must look like LAMMPS' `utils::is_double()` (no Fortran `D` exponents); counts like
 *   `utils::is_integer()`.
 *
 * Browser-safe (no Node imports); `eam-file.ts` adds the Node file reader.
 */
import { InputError } from "../errors.js";
import { atomicNumber, symbolOf } from "../elements.js";
import { interpolate, lagrangeRegrid } from "./spline.js";
import type { EamPotential, EamStyle, SplineTable } from "./types.js";

/**
 * LAMMPS funcfl pair term: z2r = 27.2*0.529 * Z_i(r)*Z_j(r), in eV*A for Z in units of sqrt(Hartree*Bohr).
 * 27.2 eV/Hartree and 0.529 A/Bohr are the rounded constants hard-coded in LAMMPS pair_eam.cpp; we keep
 * them to match LAMMPS. (ASE's EAM calculator uses CODATA Hartree*Bohr = 14.39964... instead of
 * 14.3888, a 7.5e-4 relative difference in the pair energy.)
 */
export const FUNCFL_Z2R_FACTOR = 27.2 * 0.529;

/** Accepted file-name suffixes per style, as shown in error messages. */
const SUFFIXES: ReadonlyArray<[string, EamStyle]> = [
  [".eam.alloy", "eam/alloy"],
  [".eam.fs", "eam/fs"],
  [".alloy", "eam/alloy"],
  [".setfl", "eam/alloy"],
  [".fs", "eam/fs"],
  [".eam", "eam"],
];

/**
 * Pair style told by a potential file name (case-insensitive, directories ignored):
 * `.eam` -> "eam" (funcfl), `.eam.alloy` / `.alloy` / `.setfl` -> "eam/alloy", `.eam.fs` / `.fs` -> "eam/fs".
 * @returns the style, or undefined when the name has none of these suffixes
 */
export function styleFromFileName(fileName: string): EamStyle | undefined {
  const lower = fileName.toLowerCase();
  for (const [suffix, style] of SUFFIXES) if (lower.endsWith(suffix)) return style;
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// LAMMPS TextFileReader emulation with line tracking
// ------------------------------------------------------------------------------------------------

interface Word {
  text: string;
  /** 1-based line number. */
  line: number;
}

const SEPARATORS = /[ \t\r\n\f]+/;
/** utils::is_double() */
const DOUBLE_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** utils::is_integer() */
const INTEGER_RE = /^[+-]?\d+$/;

function words(line: string): string[] {
  const hash = line.indexOf("#");
  const body = hash >= 0 ? line.slice(0, hash) : line;
  return body.split(SEPARATORS).filter((w) => w.length > 0);
}

class Reader {
  private readonly lines: string[];
  private pos = 0; // index of the next unread line

  constructor(
    text: string,
    readonly file: string,
  ) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const lines = text.split("\n");
    if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop(); // fgets: no line after final "\n"
    this.lines = lines;
  }

  error(message: string, line?: number): InputError {
    return new InputError(message, line !== undefined ? { file: this.file, line } : { file: this.file });
  }

  private endedError(what: string): InputError {
    const n = this.lines.length;
    return this.error(`expected ${what}, but the file ended after line ${n} (truncated file?)`, Math.max(n, 1));
  }

  /** LAMMPS skip_line(): the next raw line, whatever it holds. */
  skipLine(what: string): string {
    if (this.pos >= this.lines.length) throw this.endedError(what);
    return this.lines[this.pos++].replace(/\s+$/, "");
  }

  /**
   * A header record (LAMMPS next_values(nparams)): the next line that is not blank once '#' comments
   * are cut, which must hold at least nparams words. LAMMPS would also let the record continue on the
   * following line(s); that is not accepted here, so that a short line gets a clear message instead of
   * silently borrowing numbers from the next record.
   */
  nextWords(nparams: number, what: string): Word[] {
    for (;;) {
      if (this.pos >= this.lines.length) throw this.endedError(what);
      const line = this.pos + 1;
      const ws = words(this.lines[this.pos++]);
      if (ws.length === 0) continue;
      if (ws.length < nparams) {
        throw this.error(`expected ${nparams} values on ${what}, found ${ws.length} ("${ws.join(" ")}")`, line);
      }
      return ws.map((text) => ({ text, line }));
    }
  }

  /** LAMMPS next_dvector(list, n): n numbers starting on a fresh line, spread over any number of lines. */
  nextNumbers(n: number, what: string): Float64Array {
    const out = new Float64Array(n);
    let i = 0;
    while (i < n) {
      if (this.pos >= this.lines.length) {
        const last = this.lines.length;
        throw this.error(
          `expected ${n} ${what}, but the file ended after ${i} of them (line ${last}; truncated file?)`,
          Math.max(last, 1),
        );
      }
      const line = this.pos + 1;
      const ws = words(this.lines[this.pos++]);
      let w = 0;
      for (; w < ws.length && i < n; w++) out[i++] = this.double({ text: ws[w], line }, what);
      if (w < ws.length) {
        throw this.error(
          `${ws.length - w} extra value(s) after the last of the ${n} ${what} on the same line ` +
            `(first extra: "${ws[w]}"); each block must start on a new line (LAMMPS would silently drop them)`,
          line,
        );
      }
    }
    return out;
  }

  double(w: Word, what: string): number {
    if (!DOUBLE_RE.test(w.text)) {
      const hint = /^[+-]?(?:\d+\.?\d*|\.\d+)[dD][+-]?\d+$/.test(w.text)
        ? " (Fortran 'D' exponents are not accepted by LAMMPS; use 'E')"
        : "";
      throw this.error(`expected a number in ${what}, found "${w.text}"${hint}`, w.line);
    }
    const v = Number(w.text);
    if (!Number.isFinite(v)) throw this.error(`number "${w.text}" in ${what} is out of double range`, w.line);
    return v;
  }

  integer(w: Word, what: string): number {
    if (!INTEGER_RE.test(w.text)) throw this.error(`expected an integer for ${what}, found "${w.text}"`, w.line);
    const v = Number(w.text);
    if (!Number.isSafeInteger(v) || Math.abs(v) > 2147483647) {
      throw this.error(`integer ${w.text} for ${what} is out of range`, w.line);
    }
    return v;
  }
}

// ------------------------------------------------------------------------------------------------
// Shared header records
// ------------------------------------------------------------------------------------------------

interface Grid {
  nrho: number;
  drho: number;
  nr: number;
  dr: number;
  cut: number;
}

const GRID_LINE = "the 'nrho drho nr dr cutoff' line";

function readGrid(rd: Reader): Grid {
  const w = rd.nextWords(5, GRID_LINE);
  const nrho = rd.integer(w[0], `nrho on ${GRID_LINE}`);
  const drho = rd.double(w[1], `drho on ${GRID_LINE}`);
  const nr = rd.integer(w[2], `nr on ${GRID_LINE}`);
  const dr = rd.double(w[3], `dr on ${GRID_LINE}`);
  const cut = rd.double(w[4], `the cutoff on ${GRID_LINE}`);
  if (nrho < 5) throw rd.error(`nrho = ${nrho} on ${GRID_LINE}; expected an integer >= 5`, w[0].line);
  if (nr < 5) throw rd.error(`nr = ${nr} on ${GRID_LINE}; expected an integer >= 5`, w[2].line);
  if (!(drho > 0)) throw rd.error(`drho = ${w[1].text} on ${GRID_LINE}; expected a positive spacing`, w[1].line);
  if (!(dr > 0)) throw rd.error(`dr = ${w[3].text} A on ${GRID_LINE}; expected a positive spacing`, w[3].line);
  if (!(cut > 0)) throw rd.error(`cutoff = ${w[4].text} A on ${GRID_LINE}; expected a positive distance`, w[4].line);
  return { nrho, drho, nr, dr, cut };
}

/** The `Z mass a lattice` record: returns [Z, mass, line of Z, a (0 when absent or not a number), lattice name]. */
function readElementLine(rd: Reader, what: string): [number, number, number, number, string] {
  const w = rd.nextWords(2, what);
  const z = rd.integer(w[0], `the atomic number on ${what}`);
  const mass = rd.double(w[1], `the mass on ${what}`);
  if (!(mass > 0)) throw rd.error(`mass = ${w[1].text} amu on ${what}; expected a positive mass`, w[1].line);
  // LAMMPS reads only Z and the mass; a and the lattice name are kept for exported headers only.
  const a = w.length > 2 && DOUBLE_RE.test(w[2].text) ? Number(w[2].text) : 0;
  return [z, mass, w[0].line, a, w.length > 3 ? w[3].text : ""];
}

/**
 * Chemical element of a setfl/fs element name: the name itself, or for a label `Symbol_tag` (tag of
 * letters and digits, as `ect-eam export-lammps` writes when one element has several atom types)
 * the symbol before the underscore. LAMMPS treats the names as plain labels.
 */
export function elementOfLabel(label: string): string | undefined {
  const m = /^([A-Z][a-z]?)(?:_[A-Za-z0-9]+)?$/.exec(label);
  return m && atomicNumber(m[1]) !== undefined ? m[1] : undefined;
}

// ------------------------------------------------------------------------------------------------
// funcfl (pair_style eam)
// ------------------------------------------------------------------------------------------------

function parseFuncfl(rd: Reader, source: string): EamPotential {
  const comments = [rd.skipLine("the comment line (line 1)")];
  const elWhat = "the 'Z mass a lattice' line";
  const [z, mass, zLine, a, lattice] = readElementLine(rd, elWhat);
  const symbol = symbolOf(z);
  if (symbol === undefined) {
    throw rd.error(`atomic number ${z} on ${elWhat} is not an element; expected 1..118`, zLine);
  }
  const g = readGrid(rd);
  const F = rd.nextNumbers(g.nrho, `embedding values F(rho) for element ${symbol}`);
  const Z = rd.nextNumbers(g.nr, `effective-charge values Z(r) for element ${symbol}`);
  const rho = rd.nextNumbers(g.nr, `density values rho(r) for element ${symbol}`);

  // PairEAM::file2array() with a single active funcfl file: the common grid takes the file's spacings
  // and its table ends (nr-1)*dr and (nrho-1)*drho, so nr = int(rmax/dr + 0.5) = file nr - 1 and
  // likewise nrho: LAMMPS' table has one point fewer than the file (the last file value is dropped).
  const dr = g.dr;
  const drho = g.drho;
  const rmax = (g.nr - 1) * g.dr;
  const rhomax = (g.nrho - 1) * g.drho;
  const nr = Math.trunc(rmax / dr + 0.5);
  const nrho = Math.trunc(rhomax / drho + 0.5);

  const frhoGrid = lagrangeRegrid(F, g.drho, nrho, drho);
  const rhorGrid = lagrangeRegrid(rho, g.dr, nr, dr);
  const zr = lagrangeRegrid(Z, g.dr, nr, dr);
  const z2rGrid = new Float64Array(nr);
  // LAMMPS: z2r[n][m] = 27.2*0.529 * zri*zrj, evaluated as ((27.2*0.529)*zri)*zrj
  for (let m = 0; m < nr; m++) z2rGrid[m] = FUNCFL_Z2R_FACTOR * zr[m] * zr[m];

  const rhor = interpolate(rhorGrid, dr);
  const z2r = interpolate(z2rGrid, dr);
  return {
    style: "eam",
    source,
    elements: [symbol],
    masses: [mass],
    cutoff: g.cut,
    nrho,
    drho,
    rhomax,
    nr,
    dr,
    frho: [interpolate(frhoGrid, drho)],
    rhor: [[rhor]],
    z2r: [[z2r]],
    comments,
    elementLines: [{ Z: z, a, lattice }],
  };
}

// ------------------------------------------------------------------------------------------------
// setfl (pair_style eam/alloy) and Finnis-Sinclair (pair_style eam/fs)
// ------------------------------------------------------------------------------------------------

function parseSetfl(rd: Reader, source: string, style: "eam/alloy" | "eam/fs"): EamPotential {
  const fs = style === "eam/fs";
  const comments = [1, 2, 3].map((i) => rd.skipLine(`comment line ${i} of 3`));

  const elLine = "the element line ('N El1 ... ElN')";
  const w = rd.nextWords(1, elLine);
  const nel = rd.integer(w[0], `the element count on ${elLine}`);
  if (nel < 1) throw rd.error(`element count ${nel} on ${elLine}; expected at least 1`, w[0].line);
  if (w.length !== nel + 1) {
    throw rd.error(
      `${elLine} declares ${nel} element(s) but lists ${w.length - 1} name(s) (${w
        .slice(1)
        .map((x) => x.text)
        .join(" ")}); expected exactly ${nel}`,
      w[0].line,
    );
  }
  const elements = w.slice(1).map((x) => x.text);
  elements.forEach((el, i) => {
    if (elementOfLabel(el) === undefined) {
      throw rd.error(
        `unknown element symbol "${el}" on ${elLine}; expected a chemical symbol such as Cu (or a label such as Cu_2)`,
        w[i + 1].line,
      );
    }
    if (elements.indexOf(el) !== i) throw rd.error(`element ${el} is listed twice on ${elLine}`, w[i + 1].line);
  });

  const g = readGrid(rd);
  const masses: number[] = [];
  const elementLines: { Z: number; a: number; lattice: string }[] = [];
  const F: Float64Array[] = [];
  const rho: Float64Array[][] = []; // rho[a][b]; alloy: rho[a][0] only
  for (let a = 0; a < nel; a++) {
    const el = elements[a];
    const [Z, mass, , lat, lattice] = readElementLine(rd, `the 'Z mass a lattice' line of element ${el}`);
    masses.push(mass);
    elementLines.push({ Z, a: lat, lattice });
    F.push(rd.nextNumbers(g.nrho, `embedding values F(rho) for element ${el}`));
    if (fs) {
      const blocks: Float64Array[] = [];
      for (let b = 0; b < nel; b++) {
        blocks.push(rd.nextNumbers(g.nr, `density values rho(r) of element ${el} at ${elements[b]} hosts`));
      }
      rho.push(blocks);
    } else {
      rho.push([rd.nextNumbers(g.nr, `density values rho(r) for element ${el}`)]);
    }
  }
  const z2r: SplineTable[][] = elements.map(() => new Array<SplineTable>(nel));
  for (let i = 0; i < nel; i++) {
    for (let j = 0; j <= i; j++) {
      const values = rd.nextNumbers(g.nr, `pair values r*phi(r) for ${elements[i]}-${elements[j]}`);
      z2r[i][j] = z2r[j][i] = interpolate(values, g.dr);
    }
  }
  // Anything after the last r*phi block is ignored, as in LAMMPS.

  // file2array() for setfl/fs copies the file tables unchanged (no regridding); rhomax = (nrho-1)*drho.
  const frho = F.map((f) => interpolate(f, g.drho));
  const rhor: SplineTable[][] = fs
    ? rho.map((blocks) => blocks.map((r) => interpolate(r, g.dr)))
    : rho.map(([r]) => {
        const t = interpolate(r, g.dr);
        return elements.map(() => t);
      });

  return {
    style,
    source,
    elements,
    masses,
    cutoff: g.cut,
    nrho: g.nrho,
    drho: g.drho,
    rhomax: (g.nrho - 1) * g.drho,
    nr: g.nr,
    dr: g.dr,
    frho,
    rhor,
    z2r,
    comments,
    elementLines,
  };
}

// ------------------------------------------------------------------------------------------------

/**
 * Parse and tabulate an EAM potential exactly as LAMMPS 29Sep2021 does (metal units).
 *
 * @param text file contents
 * @param opts.fileName name used in messages and, when `style` is absent, to tell the style from its
 *                      suffix (see `styleFromFileName`)
 * @param opts.style    "eam" (funcfl), "eam/alloy" (setfl) or "eam/fs" (Finnis-Sinclair)
 * @returns the tabulated potential: energies in eV, distances in A, masses in amu, densities in the
 *          file's own units; r*phi tables in eV*A
 * @throws InputError (with file and line) for an unknown style, truncated data, a malformed number,
 *         a bad grid line, an element-count mismatch or an unknown element symbol
 */
export function parseEamPotential(text: string, opts: { fileName: string; style?: EamStyle }): EamPotential {
  const { fileName } = opts;
  const style = opts.style ?? styleFromFileName(fileName);
  if (style === undefined) {
    throw new InputError(
      `cannot tell the EAM style from the file name; expected a name ending in ` +
        `.eam (eam), .eam.alloy, .alloy or .setfl (eam/alloy), .eam.fs or .fs (eam/fs), or an explicit style`,
      { file: fileName },
    );
  }
  const rd = new Reader(text, fileName);
  switch (style) {
    case "eam":
      return parseFuncfl(rd, fileName);
    case "eam/alloy":
    case "eam/fs":
      return parseSetfl(rd, fileName, style);
    default:
      throw new InputError(`unknown EAM style "${String(style)}"; expected eam, eam/alloy or eam/fs`, {
        file: fileName,
      });
  }
}
