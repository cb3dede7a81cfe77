/**
 * Parameter files of the Streitz-Mintmire variable-charge model (LAMMPS `coul/streitz`, `.streitz`).
 *
 * Format, as LAMMPS `PairCoulStreitz::read_file` reads it: text after `#` is a comment; each entry
 * is 6 words, `element chi J gamma zeta Z`, and may be split over several lines. The columns are
 *
 * | column | LAMMPS name | meaning | unit |
 * |---|---|---|---|
 * | chi   | `chi`   | electronegativity                     | eV |
 * | J     | `eta`   | self-Coulomb (hardness) J             | eV |
 * | gamma | `gamma` | unused by coul/streitz, must be 0     | 1/A |
 * | zeta  | `zeta`  | Slater 1s exponent of the valence density | 1/A |
 * | Z     | `zcore` | effective core charge                 | e |
 *
 * LAMMPS rejects J < 0, zeta < 0, Z < 0 and gamma != 0; fix qeq/slater also rejects zeta = 0.
 * Both are rejected here too. A `UNITS:` tag in the first line, when present, must be `metal`.
 * This module is browser-safe (no Node imports); `readStreitzFile` is in `params-file.ts`.
 */
import { InputError } from "../errors.js";

/** Parameters of one element of a `.streitz` file. */
export interface StreitzElement {
  /** Element symbol as written in the file. */
  symbol: string;
  /** Electronegativity chi, eV. */
  chi: number;
  /** Self-Coulomb J (LAMMPS `eta`), eV: the self energy is chi q + J q^2 / 2. */
  J: number;
  /** LAMMPS `gamma` column, 1/A; always 0 (coul/streitz refuses anything else). */
  gamma: number;
  /** Slater 1s exponent zeta, 1/A: the valence density is (zeta^3/pi) exp(-2 zeta r). */
  zeta: number;
  /** Effective core charge Z (LAMMPS `zcore`), elementary charges. */
  Z: number;
  /** 1-based line number of the entry's first word in the file. */
  line: number;
}

/** A parsed `.streitz` file. */
export interface StreitzParameters {
  /** File name as given (used in messages). */
  source: string;
  /** Entries in file order. */
  entries: StreitzElement[];
  /** Entry per element symbol. */
  bySymbol: Map<string, StreitzElement>;
}

const NWORDS = 6;
const COLUMNS = ["chi", "J", "gamma", "zeta", "Z"] as const;

/** Parses a number the way a careful reader should: the whole word, finite. */
function parseNumber(word: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/.test(word)) return null;
  const v = Number(word.replace(/[dD]/, "e"));
  return Number.isFinite(v) ? v : null;
}

/**
 * Parses the text of a LAMMPS `.streitz` parameter file.
 *
 * @param text     file contents
 * @param fileName name used in error messages (default "<streitz>")
 * @returns the entries, in file order and by element symbol
 * @throws InputError (with file and line) on a malformed entry, an out-of-range value, a duplicate
 *   element, a `UNITS:` tag other than metal, or a file with no entries
 */
export function parseStreitz(text: string, fileName = "<streitz>"): StreitzParameters {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: StreitzElement[] = [];
  const bySymbol = new Map<string, StreitzElement>();
  const loc = (line: number) => ({ file: fileName, line });

  // LAMMPS PotentialFileReader: the first line may carry "UNITS: <style>".
  const units = /UNITS:\s*(\S+)/.exec(lines[0] ?? "");
  if (units && units[1] !== "metal") {
    throw new InputError(`potential file is in '${units[1]}' units; coul/streitz here needs metal units`, loc(1));
  }

  let words: string[] = [];
  let start = 0;
  const finish = () => {
    if (words.length !== NWORDS) {
      throw new InputError(
        `a coul/streitz entry needs ${NWORDS} words (element chi J gamma zeta Z), found ${words.length}: '${words.join(" ")}'`,
        loc(start),
      );
    }
    const symbol = words[0];
    if (parseNumber(symbol) !== null) {
      throw new InputError(`an entry must start with an element symbol, found the number '${symbol}'`, loc(start));
    }
    const v: number[] = [];
    for (let c = 0; c < COLUMNS.length; c++) {
      const x = parseNumber(words[c + 1]);
      if (x === null) {
        throw new InputError(`${symbol}: ${COLUMNS[c]} is not a number: '${words[c + 1]}'`, loc(start));
      }
      v.push(x);
    }
    const [chi, J, gamma, zeta, Z] = v;
    if (J < 0) throw new InputError(`${symbol}: J must be >= 0 eV, got ${J}`, loc(start));
    if (gamma !== 0) throw new InputError(`${symbol}: gamma must be 0 for coul/streitz, got ${gamma}`, loc(start));
    if (!(zeta > 0)) throw new InputError(`${symbol}: zeta must be > 0 1/A, got ${zeta}`, loc(start));
    if (Z < 0) throw new InputError(`${symbol}: Z must be >= 0 e, got ${Z}`, loc(start));
    const prev = bySymbol.get(symbol);
    if (prev) throw new InputError(`duplicate entry for ${symbol} (first on line ${prev.line})`, loc(start));
    const e: StreitzElement = { symbol, chi, J, gamma, zeta, Z, line: start };
    entries.push(e);
    bySymbol.set(symbol, e);
    words = [];
  };

  for (let n = 0; n < lines.length; n++) {
    const hash = lines[n].indexOf("#");
    const body = hash >= 0 ? lines[n].slice(0, hash) : lines[n];
    const w = body.trim().split(/\s+/).filter((s) => s.length > 0);
    if (w.length === 0) continue;
    if (words.length === 0) start = n + 1;
    words.push(...w);
    if (words.length >= NWORDS) finish();
  }
  if (words.length > 0) finish();
  if (entries.length === 0) throw new InputError("no coul/streitz entries found", { file: fileName });
  return { source: fileName, entries, bySymbol };
}

/**
 * Looks up the parameters of each element, in the order given (LAMMPS `pair_coeff * * file El1 El2`).
 *
 * @param params   a parsed file
 * @param elements element symbols, one per type
 * @returns one entry per element
 * @throws InputError when an element has no entry in the file
 */
export function streitzElements(params: StreitzParameters, elements: readonly string[]): StreitzElement[] {
  return elements.map((el) => {
    const e = params.bySymbol.get(el);
    if (!e) {
      const have = params.entries.map((x) => x.symbol).join(", ");
      throw new InputError(`no coul/streitz entry for element ${el} (the file has ${have})`, { file: params.source });
    }
    return e;
  });
}
