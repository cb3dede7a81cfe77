/**
 * XlPropagator.update over a live subset (src/xl/propagator.ts): the same numbers as the full step
 * on the live variables, dead ones held at exactly 0, and a variable leaving the live set cleared.
 */
import { describe, expect, it } from "vitest";
import { XlPropagator } from "../src/xl/propagator.js";

describe("extended-Lagrangian steps over the live variables", () => {
  it("equal the full step bit for bit while the dead variables have q = 0; a variable that leaves is set to 0", () => {
    const size = 7, live = Int32Array.from([1, 3, 4]);
    const start = Float64Array.from({ length: size }, (_, i) => (live.includes(i) ? 0.1 * (i + 1) : 0));
    const full = new XlPropagator(size, 5), part = new XlPropagator(size, 5);
    full.init(start);
    part.init(start);
    for (let step = 0; step < 12; step++) {
      const q = Float64Array.from(start, (v, i) => (v === 0 ? 0 : v + 0.01 * Math.sin(step + i)));
      full.update(q);
      part.update(q, live);
      expect(Array.from(part.state())).toEqual(Array.from(full.state()));
    }
    // Variable 3 dies: its whole history goes to 0 at once; the others step on.
    const fewer = Int32Array.from([1, 4]);
    const q = Float64Array.from(full.current, (v, i) => (fewer.includes(i) ? v : 0));
    part.update(q, fewer);
    const st = part.state();
    for (let k = 0; k <= 5; k++) expect(st[k * size + 3]).toBe(0);
    for (let k = 0; k <= 5; k++) for (const dead of [0, 2, 5, 6]) expect(st[k * size + dead]).toBe(0);
  });
});
