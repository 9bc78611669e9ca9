// `npm run build` (also `prepare`, so `npm ci` on a fresh clone builds, and `prepack`): compiles
// the product to dist/ with declarations (tsconfig.build.json) and copies the files the compiled
// code reads beside it. Plain JavaScript, so it runs before anything else is built.
//
// Without --clean it compiles only when a source is newer than the last build, in milliseconds
// otherwise: the npm scripts that run a CLI and the e2e tests call it first, so they never run a
// stale dist/. --clean (prepack) removes dist/ first, so a deleted source leaves nothing behind.
"use strict";
const { execFileSync } = require("node:child_process");
const { cpSync, existsSync, readdirSync, rmSync, statSync, utimesSync } = require("node:fs");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const dist = join(root, "dist");
const stamp = join(dist, ".tsbuildinfo");
const config = require(join(root, "tsconfig.build.json"));
/** Read at run time relative to the compiled code (simulator/state.ts, program/init-stack.ts). */
const ASSETS = ["simulator/demo"];

function newestChange(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(
    stats.mtimeMs,
    ...readdirSync(path).map((entry) => newestChange(join(path, entry))),
  );
}

function stale() {
  if (!existsSync(stamp)) return true;
  const sources = [
    ...config.include,
    ...ASSETS,
    "tsconfig.json",
    "tsconfig.build.json",
    "package.json",
  ];
  const built = statSync(stamp).mtimeMs;
  return sources.some(
    (source) => existsSync(join(root, source)) && newestChange(join(root, source)) > built,
  );
}

/**
 * Removes compiled files whose source is gone (a module moved into a folder): tsc never deletes,
 * and a stale `dist/x.js` would be loaded instead of the new `dist/x/index.js`.
 */
function pruneOrphans(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const source = relative(dist, path);
    if (ASSETS.includes(source)) continue;
    if (statSync(path).isDirectory()) pruneOrphans(path);
    else if (/\.(d\.ts|js)$/.test(entry)) {
      const base = join(root, source.replace(/\.(d\.ts|js)$/, ""));
      if (!existsSync(`${base}.ts`) && !existsSync(`${base}.js`)) rmSync(path);
    }
  }
}

function build({ clean }) {
  if (clean) rmSync(dist, { recursive: true, force: true });
  if (!stale()) return;
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  pruneOrphans(dist);
  for (const asset of ASSETS) cpSync(join(root, asset), join(dist, asset), { recursive: true });
  // tsc leaves its build info as it was when no output changed; the stamp must say "checked now".
  const now = new Date();
  utimesSync(stamp, now, now);
}

// Also jest's globalSetup (jest.config.js): the e2e tests run the compiled program and providers.
module.exports = () => build({ clean: false });
if (require.main === module) build({ clean: process.argv.includes("--clean") });
