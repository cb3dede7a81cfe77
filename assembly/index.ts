// @ts-ignore
@inline const USE_SIMD: bool = SIMD == 1;
export function f(a: f64): f64 { if (USE_SIMD) { return f64x2.extract_lane(f64x2.splat(a), 0); } return a*2; }
