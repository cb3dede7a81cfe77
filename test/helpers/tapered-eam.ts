// A copy of an EAM potential whose pair and density functions are switched smoothly to zero before the
// cutoff. potentials/AlO.eam.alloy stops at 8.4147 A with r*phi_AlAl = 3.1e-3 eV A still on the
// table, so every Al-Al pair crossing the cutoff changes the energy by ~4e-4 eV: finite differences
// across such a crossing and NVE energy conservation would test the file, not the model. Tests that
// check derivatives and conservation use this smooth copy.
import type { EamPotential, SplineTable } from "../../src/potentials/types.js";
import { interpolate } from "../../src/potentials/spline.js";

/** C2 switch: 1 below r1, 0 from r2 on (1 - 10 t^3 + 15 t^4 - 6 t^5). */
function smoothStep(r: number, r1: number, r2: number): number {
  if (r <= r1) return 1;
  if (r >= r2) return 0;
  const t = (r - r1) / (r2 - r1);
  return 1 - t * t * t * (10 - 15 * t + 6 * t * t);
}

function taper(t: SplineTable, r1: number, r2: number): SplineTable {
  const f = new Float64Array(t.n);
  for (let k = 0; k < t.n; k++) f[k] = t.coeffs[7 * k + 6] * smoothStep(k * t.delta, r1, r2);
  return interpolate(f, t.delta);
}

/** The potential with r*phi and rho multiplied by a C2 switch from r1 (A) to 0.2 A before the cutoff. */
export function taperedEam(pot: EamPotential, r1: number): EamPotential {
  const r2 = pot.cutoff - 0.2;
  return {
    ...pot,
    source: `${pot.source} (tapered from ${r1} A)`,
    rhor: pot.rhor.map((row) => row.map((t) => taper(t, r1, r2))),
    z2r: pot.z2r.map((row) => row.map((t) => taper(t, r1, r2))),
  };
}
