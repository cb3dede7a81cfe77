// The error function used by the Streitz-Mintmire reference is the package's shared one.
export { erfc } from "../math/erf.js";
