// Typed accessors for the context block and for SoA arrays addressed by byte pointers.
// Everything is `@inline` so that kernels compile to plain loads and stores.

@inline export function ci(ctx: usize, off: usize): i32 { return load<i32>(ctx + off); }
@inline export function cf(ctx: usize, off: usize): f64 { return load<f64>(ctx + off); }
@inline export function cp(ctx: usize, off: usize): usize { return <usize>load<u32>(ctx + off); }
@inline export function setI(ctx: usize, off: usize, v: i32): void { store<i32>(ctx + off, v); }
@inline export function setF(ctx: usize, off: usize, v: f64): void { store<f64>(ctx + off, v); }

@inline export function getF(base: usize, i: i32): f64 { return load<f64>(base + (<usize>i << 3)); }
@inline export function putF(base: usize, i: i32, v: f64): void { store<f64>(base + (<usize>i << 3), v); }
@inline export function addF(base: usize, i: i32, v: f64): void {
  const a = base + (<usize>i << 3);
  store<f64>(a, load<f64>(a) + v);
}
@inline export function getI(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline export function putI(base: usize, i: i32, v: i32): void { store<i32>(base + (<usize>i << 2), v); }
