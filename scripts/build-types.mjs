// npm run build:types: the type declarations (tsc -p tsconfig.types.json into dist/types), run only
// when their inputs changed (scripts/build-stamp.mjs): src/, the two tsconfig files and the package
// files (the lock file pins TypeScript and @types/node).
// Usage: node scripts/build-types.mjs [--force]
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, runStep } from "./build-stamp.mjs";

export const TYPES_STEP = {
  name: "types",
  about: "src/, tsconfig.json, tsconfig.types.json and the package files",
  inputs: ["src", "tsconfig.json", "tsconfig.types.json", "package.json", "package-lock.json"],
  outputs: ["dist/types/index.d.ts", "dist/types/core.d.ts"],
  commands: [[process.execPath, join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.types.json"]],
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runStep(TYPES_STEP);
