// Loaded by the provider shell that Pulumi serializes into state (lib/shell.ts), in Pulumi's
// dynamic-provider process, which runs plain Node: TypeScript is registered here, with the
// project's tsconfig.json (transpile only, with swc) as Pulumi registers it for index.ts. Plain
// JavaScript so that nothing is needed before it.
"use strict";
const { join } = require("node:path");

if (!require.extensions[".ts"]) {
  require("ts-node").register({ project: join(__dirname, "..", "tsconfig.json") });
}

module.exports = require("./runtime.ts");
