import type { Command } from "commander";
import { registerBulkProperties } from "./property-bulk.js";
import { registerDefectProperties } from "./property-defects.js";
import { registerRdfProperty } from "./property-rdf.js";

/**
 * `ect-eam property NAME`: eos, lattice, elastic, vacancy, surface, rdf. Each takes --potential or
 * --model (rdf needs neither); see docs/properties.md for the methods and units.
 */
export function registerProperty(program: Command): void {
  const property = program
    .command("property")
    .description("material properties: eos, lattice, elastic, vacancy, surface, rdf (see docs/properties.md)");
  registerBulkProperties(property);
  registerDefectProperties(property);
  registerRdfProperty(property);
}
