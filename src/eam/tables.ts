import type { EamPotential, SplineTable } from "../potentials/types.js";

// Record sizes in doubles (generated from scripts/wasm-interface.mjs); see assembly/tables.ts for the lane layout.
import { DENSITY_RECORD, EMBED_RECORD, FORCE_RECORD } from "../engine/bindings.generated.js";

/** Packed tables in the layout the kernels read, ready to copy into wasm memory. */
export interface PackedTables {
  ntypes: number;
  nr: number;
  nrho: number;
  density: Float64Array;
  force: Float64Array;
  embed: Float64Array;
}

/**
 * Interleaves a potential's splines into the kernels' records: per ordered type pair (ti, tj) and
 * grid point one density record (lanes: rho at i due to j, rho at j due to i) and one force record
 * (same lanes for the derivatives, then r*phi and its derivative); per type one embedding record.
 * Types are the potential's elements in file order.
 */
export function packTables(pot: EamPotential): PackedTables {
  const nt = pot.elements.length;
  const { nr, nrho } = pot;
  const density = new Float64Array(nt * nt * nr * DENSITY_RECORD);
  const force = new Float64Array(nt * nt * nr * FORCE_RECORD);
  const embed = new Float64Array(nt * nrho * EMBED_RECORD);
  for (let ti = 0; ti < nt; ti++) {
    for (let tj = 0; tj < nt; tj++) {
      const a = pot.rhor[tj][ti].coeffs; // density at i (type ti) due to j (type tj)
      const b = pot.rhor[ti][tj].coeffs; // density at j due to i
      const z = pot.z2r[ti][tj].coeffs;
      checkLength(pot.rhor[tj][ti], nr, `rhor[${tj}][${ti}]`);
      checkLength(pot.z2r[ti][tj], nr, `z2r[${ti}][${tj}]`);
      const base = (ti * nt + tj) * nr;
      for (let m = 0; m < nr; m++) {
        const s = 7 * m;
        const d = (base + m) * DENSITY_RECORD;
        for (let c = 0; c < 4; c++) {
          density[d + 2 * c] = a[s + 3 + c];
          density[d + 2 * c + 1] = b[s + 3 + c];
        }
        const f = (base + m) * FORCE_RECORD;
        for (let c = 0; c < 3; c++) {
          force[f + 2 * c] = a[s + c];
          force[f + 2 * c + 1] = b[s + c];
        }
        // [z3 0] [z4 z0] [z5 z1] [z6 z2]
        force[f + 8] = z[s + 3];
        force[f + 9] = 0;
        force[f + 10] = z[s + 4];
        force[f + 11] = z[s + 0];
        force[f + 12] = z[s + 5];
        force[f + 13] = z[s + 1];
        force[f + 14] = z[s + 6];
        force[f + 15] = z[s + 2];
      }
    }
    const e = pot.frho[ti].coeffs;
    checkLength(pot.frho[ti], nrho, `frho[${ti}]`);
    for (let m = 0; m < nrho; m++) {
      for (let c = 0; c < 7; c++) embed[(ti * nrho + m) * EMBED_RECORD + c] = e[7 * m + c];
    }
  }
  return { ntypes: nt, nr, nrho, density, force, embed };
}

function checkLength(t: SplineTable, n: number, what: string): void {
  if (t.n !== n || t.coeffs.length !== 7 * n) {
    throw new Error(`internal: table ${what} has ${t.n} points (${t.coeffs.length} coefficients), expected ${n}`);
  }
}
