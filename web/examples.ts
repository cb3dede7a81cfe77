// The bundled examples: how to build each structure, which data file holds the potential, and the
// default settings. Data files are copied to dist/web/data/ by scripts/build-web.mjs.
import type { RunSettings, StructureSpec } from "./protocol.js";

export type ExampleId = "cu" | "cu-cores" | "nacl" | "lih" | "lih-fitted";

export interface Example {
  id: ExampleId;
  label: string;
  /** A sentence for the page. */
  about: string;
  structure: StructureSpec;
  /** Path of the potential relative to the page, and how to read it. */
  potentialUrl: string;
  potentialKind: "eam" | "ect";
  settings: RunSettings;
}

const base: RunSettings = {
  dt: 1,
  temperature: 0,
  seed: 1,
  steps: 1000,
  frameEvery: 5,
  frameDelayMs: 0,
  keepVelocities: false,
  groundState: true,
  thermostat: "none",
  targetTemperature: 300,
  tdamp: 100,
  workers: 1,
};

/** The cores this browser reports (at least 1). */
export const CORES = Math.max(1, (typeof navigator !== "undefined" && navigator.hardwareConcurrency) || 1);

/** Pull length per step for the dimers, A. */
const DZ = 0.01;

function dimer(a: string, b: string, r0: number, rEnd: number): { structure: StructureSpec; steps: number } {
  return { structure: { kind: "dimer", symbols: [a, b], r0, dz: DZ, rEnd }, steps: Math.ceil((rEnd - r0) / DZ - 1e-9) };
}

const nacl = dimer("Na", "Cl", 2.3609, 20);
const lih = dimer("Li", "H", 1.5949, 8);
const lihFitted = dimer("Li", "H", 1.5796, 8);

export const EXAMPLES: Example[] = [
  {
    id: "cu",
    label: "Cu crystal (EAM, 500 atoms)",
    about:
      "fcc copper, 5 x 5 x 5 cubic cells (a = 3.615 A, periodic), Foiles et al. (1986) Cu_u3 EAM; NVE velocity Verlet from " +
      "Maxwell-Boltzmann velocities at 600 K (the lattice takes half: about 300 K after a few hundred fs).",
    structure: { kind: "bulk", symbol: "Cu", lattice: "fcc", a: 3.615, repeat: 5 },
    potentialUrl: "data/Cu_u3.eam",
    potentialKind: "eam",
    settings: { ...base, dt: 1, temperature: 600, seed: 1, steps: 5000, frameEvery: 5 },
  },
  {
    id: "cu-cores",
    label: `Cu crystal on all ${CORES} cores (EAM, 32,000 atoms)`,
    about:
      "fcc copper, 20 x 20 x 20 cubic cells (32,000 atoms), Cu_u3 EAM, NVE from 600 K, run over one Web Worker per core by " +
      "spatial domain decomposition (slabs exchanging boundary atoms through SharedArrayBuffers; the page must be cross-origin " +
      "isolated, which npm run demo's server is). Results equal the one-worker run to round-off.",
    structure: { kind: "bulk", symbol: "Cu", lattice: "fcc", a: 3.615, repeat: 20 },
    potentialUrl: "data/Cu_u3.eam",
    potentialKind: "eam",
    settings: { ...base, dt: 2, temperature: 600, seed: 1, steps: 1000, frameEvery: 20, workers: CORES },
  },
  {
    id: "nacl",
    label: "NaCl dimer pulled apart (ECT-EAM)",
    about:
      "Na-Cl at its bond length 2.361 A, Cl pulled along z by 0.01 A per step to 20 A (Na held) with the ECT-EAM starter " +
      "model: the ionic pair Na+ Cl- turns into neutral atoms where the Coulomb attraction no longer pays for IP(Na) - EA(Cl).",
    structure: nacl.structure,
    potentialUrl: "data/ect-starter.json",
    potentialKind: "ect",
    settings: { ...base, steps: nacl.steps, frameEvery: 4, frameDelayMs: 16 },
  },
  {
    id: "lih",
    label: "LiH dimer pulled apart (ECT-EAM)",
    about:
      "Li-H at its bond length 1.595 A, H pulled along z by 0.01 A per step to 8 A (Li held) with the ECT-EAM starter model: " +
      "Li+ H- becomes neutral Li + H.",
    structure: lih.structure,
    potentialUrl: "data/ect-starter.json",
    potentialKind: "ect",
    settings: { ...base, steps: lih.steps, frameEvery: 2, frameDelayMs: 16 },
  },
  {
    id: "lih-fitted",
    label: "LiH dimer pulled apart (fitted ECT-EAM)",
    about:
      "Li-H from 1.58 A, H pulled along z by 0.01 A per step to 8 A (Li held) with models/ect-fitted.json (bond " +
      "transfer, fitted to molecules, clusters and crystals): the Li -> H channel mixes the ionic and covalent " +
      "configurations, so the charge is fractional near the bond length and fades continuously to neutral atoms.",
    structure: lihFitted.structure,
    potentialUrl: "data/ect-fitted.json",
    potentialKind: "ect",
    settings: { ...base, steps: lihFitted.steps, frameEvery: 2, frameDelayMs: 16 },
  },
];

export function exampleById(id: string): Example {
  const ex = EXAMPLES.find((e) => e.id === id);
  if (!ex) throw new Error(`unknown example '${id}' (known: ${EXAMPLES.map((e) => e.id).join(", ")})`);
  return ex;
}
