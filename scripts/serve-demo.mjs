#!/usr/bin/env node
// Serves the browser demo (dist/web/, built by scripts/build-web.mjs) on this machine only and prints
// its URL, cross-origin isolated (COOP same-origin, COEP require-corp) so that MD can use every core
// through SharedArrayBuffers. Port from $PORT (default 8080; 0 picks a free one), address from $HOST (default 127.0.0.1).
// Usage: npm run demo   (builds first)   or   node scripts/serve-demo.mjs
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist", "web");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".eam": "text/plain; charset=utf-8",
  ".xyz": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

if (!existsSync(join(root, "index.html"))) {
  console.error(`serve-demo: ${root} has no index.html; build it first (npm run build, or node scripts/build-web.mjs)`);
  process.exit(1);
}

const port = process.env.PORT === undefined || process.env.PORT === "" ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve-demo: PORT must be an integer 0-65535, got '${process.env.PORT}'`);
  process.exit(1);
}
const host = process.env.HOST || "127.0.0.1";

const server = createServer((req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    return;
  }
  const body = readFileSync(file);
  res.writeHead(200, {
    "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": body.length,
    "cache-control": "no-cache",
    // Cross-origin isolation: SharedArrayBuffer for MD on all cores (spatial domains in Web Workers).
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
  });
  res.end(req.method === "HEAD" ? undefined : body);
});

server.on("error", (err) => {
  console.error(`serve-demo: ${err.code === "EADDRINUSE" ? `port ${port} is in use; set PORT to another one (PORT=0 picks a free one)` : err.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  const shown = host.includes(":") ? `[${host}]` : host;
  console.log(`ect-eam demo: http://${shown}:${actual}/`);
  console.log("(serving dist/web; Ctrl-C stops)");
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
