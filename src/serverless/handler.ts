// One fetch handler for serverless functions (Node-based functions and V8-isolate runtimes alike):
// POST {"structure": extended XYZ text, "potential": bundled name} -> energy, forces, stress, charges.
// Runtime-neutral: Web Request/Response only, no file system, no node:* modules. The entry points
// (node.ts, edge.ts) supply the kernel module and the bundled potential texts.
import {
  CalculationFailed,
  EamCalculator,
  EctCalculator,
  InputError,
  buildEctTables,
  parseEamPotential,
  parseEctModelText,
  parseExtxyz,
  styleFromFileName,
  type Atoms,
  type EamResults,
  type EctResults,
} from "../core.js";

/** Largest request body, bytes (5 MiB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Largest structure for a tabulated EAM potential, atoms. */
export const MAX_ATOMS = 20_000;
/** Largest structure for an ECT-EAM model: a cold-start weight solve with direct Coulomb sums costs O(N^2) per iteration (512 atoms take about 1 s). */
export const MAX_ATOMS_ECT = 1_000;

export interface HandlerOptions {
  /** The compiled kernel module (simd build), or a function that gives it; called once. */
  kernel: WebAssembly.Module | (() => WebAssembly.Module | Promise<WebAssembly.Module>);
  /** Tabulated EAM potentials by file name (the name picks the style: .eam, .eam.alloy, .eam.fs). */
  potentials: Record<string, string>;
  /** ECT-EAM models (JSON text) by name. */
  models: Record<string, string>;
  limits?: { maxBodyBytes?: number; maxAtoms?: number; maxAtomsEct?: number };
}

/** The default export a serverless platform expects: `{ fetch(request) }`. */
export interface FetchHandler {
  fetch(request: Request): Promise<Response>;
}

/** A 4xx answer with a message for the caller. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Entry =
  | { kind: "eam"; calc: EamCalculator }
  | { kind: "ect"; calc: EctCalculator };

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * Builds the handler. The compiled module and one calculator per potential are created on first use
 * and kept for later requests (one wasm instance each); every request still loads its structure
 * afresh, so an answer never depends on what was asked before.
 */
export function createHandler(opts: HandlerOptions): FetchHandler {
  const maxBody = opts.limits?.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxAtoms = opts.limits?.maxAtoms ?? MAX_ATOMS;
  const maxAtomsEct = opts.limits?.maxAtomsEct ?? MAX_ATOMS_ECT;
  const names = [...Object.keys(opts.potentials), ...Object.keys(opts.models)];
  let kernel: Promise<WebAssembly.Module> | null = null;
  const calculators = new Map<string, Promise<Entry>>();

  const getKernel = (): Promise<WebAssembly.Module> => {
    if (!kernel) {
      const k = opts.kernel;
      kernel = Promise.resolve().then(() => (typeof k === "function" ? k() : k));
      kernel.catch(() => (kernel = null));
    }
    return kernel;
  };

  const getCalculator = (name: string): Promise<Entry> => {
    let entry = calculators.get(name);
    if (!entry) {
      entry = (async (): Promise<Entry> => {
        const module = await getKernel();
        if (Object.prototype.hasOwnProperty.call(opts.models, name)) {
          const tables = buildEctTables(parseEctModelText(opts.models[name], name));
          return { kind: "ect", calc: await EctCalculator.create(tables, { module, variant: "simd", source: name }) };
        }
        const calc = await EamCalculator.create(parseEamPotential(opts.potentials[name], { fileName: name }), { module, variant: "simd" });
        calc.onWarning = () => {}; // reported per request instead (see evaluate)
        return { kind: "eam", calc };
      })();
      calculators.set(name, entry);
      entry.catch(() => calculators.delete(name));
    }
    return entry;
  };

  const usage = () => ({
    service: "ect-eam",
    usage: 'POST a JSON body {"structure": "<extended XYZ text, one frame>", "potential": "<name>"}',
    potentials: names.map((name) => ({
      name,
      style: Object.prototype.hasOwnProperty.call(opts.models, name) ? "ect-eam" : (styleFromFileName(name) ?? "eam"),
    })),
    response: {
      energy: "eV",
      forces: "eV/A, one [fx, fy, fz] per atom",
      stress: "eV/A^3, Voigt xx yy zz yz xz xy (ASE sign); null without a periodic direction",
      charges: "e per atom (ECT-EAM models), else null",
      omega: "grand potential E - kT S, eV (ECT-EAM only)",
      mu: "electron chemical potential, eV (ECT-EAM only)",
    },
    limits: { maxBodyBytes: maxBody, maxAtoms, maxAtomsEct },
  });

  async function evaluate(request: Request): Promise<Response> {
    const text = await readBody(request, maxBody);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new RequestError(400, `body is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new RequestError(400, 'body must be a JSON object {"structure": "...", "potential": "..."}');
    }
    const { structure, potential } = body as Record<string, unknown>;
    if (typeof structure !== "string") {
      throw new RequestError(400, `"structure" must be a string of extended XYZ text, got ${describe(structure)}`);
    }
    if (typeof potential !== "string") {
      throw new RequestError(400, `"potential" must be a string naming a bundled potential (${names.join(", ")}), got ${describe(potential)}`);
    }
    if (!names.includes(potential)) {
      throw new RequestError(400, `unknown potential '${potential.slice(0, 100)}'; bundled: ${names.join(", ")}`);
    }
    const isEct = Object.prototype.hasOwnProperty.call(opts.models, potential);
    const limit = isEct ? maxAtomsEct : maxAtoms;
    // The atom count heads the frame: refuse a large structure before parsing it.
    const declared = Number.parseInt(structure.trimStart().split("\n", 1)[0], 10);
    if (declared > limit) throw new RequestError(413, `structure has ${declared} atoms; this service takes at most ${limit} for ${potential}`);
    const frames = parseExtxyz(structure, "structure");
    if (frames.length !== 1) throw new RequestError(400, `"structure" must hold exactly one frame, got ${frames.length}`);
    const atoms = frames[0];
    if (atoms.length > limit) throw new RequestError(413, `structure has ${atoms.length} atoms; this service takes at most ${limit} for ${potential}`);

    const entry = await getCalculator(potential);
    try {
      return json(200, compute(entry, atoms, potential));
    } catch (e) {
      // A failed evaluation may leave the instance mid-way: start the next request from a fresh one.
      if (!(e instanceof InputError)) {
        calculators.delete(potential);
        entry.calc.dispose();
      }
      throw e;
    }
  }

  return {
    async fetch(request: Request): Promise<Response> {
      try {
        if (request.method === "GET" || request.method === "HEAD") {
          return json(200, usage());
        }
        if (request.method !== "POST") {
          return json(405, { error: `method ${request.method} not allowed; use POST (GET for usage)` }, { allow: "GET, HEAD, POST" });
        }
        return await evaluate(request);
      } catch (e) {
        if (e instanceof RequestError) return json(e.status, { error: e.message });
        if (e instanceof InputError || e instanceof CalculationFailed) return json(422, { error: e.message });
        return json(500, { error: `internal error: ${e instanceof Error ? e.message : String(e)}` });
      }
    },
  };
}

/** Evaluates one structure from a cold start (fresh neighbor list, ECT weights from neutral atoms). */
function compute(entry: Entry, atoms: Atoms, potential: string): Record<string, unknown> {
  // setAtoms first: `calculate` alone would reuse the previous request's neighbor list or ECT
  // weights when the same system comes again, and the answer would depend on request history.
  entry.calc.engine.setAtoms(atoms, "structure");
  const r = entry.calc.calculate(atoms, "structure");
  const answer = {
    potential,
    natoms: atoms.length,
    energy: r.energy,
    forces: rows(r.forces),
    stress: r.stress ? Array.from(r.stress) : null,
  };
  if (entry.kind === "ect") {
    const e = r as EctResults;
    return { ...answer, charges: Array.from(e.charges), omega: e.grandPotential, mu: e.mu };
  }
  const off = (r as EamResults).offTableDensities;
  const warnings = off > 0 ? [`${off} atom(s) have a host density above rhomax of ${potential}; F was continued linearly (as LAMMPS does)`] : [];
  return { ...answer, charges: null, ...(warnings.length ? { warnings } : {}) };
}

function rows(a: Float64Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += 3) out.push([a[i], a[i + 1], a[i + 2]]);
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  return Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

/** The body as UTF-8 text, refusing more than `limit` bytes without reading them all. */
async function readBody(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new RequestError(413, `request body exceeds ${limit} bytes`);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new RequestError(400, "request body is not valid UTF-8");
  }
}
