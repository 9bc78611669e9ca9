#!/usr/bin/env node
// `altinn-iac <command> [arguments]`: the package's command-line tools, each run as its own Node
// process from the compiled code (each CLI runs only when it is the main module).
"use strict";
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

const COMMANDS = {
  init: ["program/init-cli.js", "writes a new stack file (Pulumi.<stack>.yaml)"],
  requests: ["program/init-requests-cli.js", "the requests to send Altinn and Digdir for a stack"],
  policy: ["program/policy-cli.js", "lints and explains XACML policies: a file, or a stack's"],
  up: ["program/up-cli.js", "pulumi up, after settling what an interrupted run left"],
  pulumi: ["program/pulumi-cli.js", "the Pulumi CLI with the demo's backend and simulator"],
  export: ["program/export-cli.js", "merges the live setup of an org into a stack file"],
  promote: ["program/promote-cli.js", "copies a stack file's setup to another environment"],
  "client-key": ["program/client-key-cli.js", "writes a Maskinporten client's key to a file"],
  review: ["review/cli.js", "the Markdown summary of a pulumi preview, for a pull request"],
  verify: ["verify/cli.js", "proves a deployed stack end to end with a test correspondence"],
  simulator: ["simulator/main.js", "the Altinn simulator (the local environment)"],
};

const [command, ...args] = process.argv.slice(2);
const entry = COMMANDS[command];
if (!entry) {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, [, what]]) => `  ${name.padEnd(width)}  ${what}`)
    .join("\n");
  const help = `usage: altinn-iac <command> [arguments]   (altinn-iac <command> --help for its own)\n\n${list}\n`;
  const asked = command === undefined || command === "--help" || command === "-h";
  (asked ? process.stdout : process.stderr).write(
    asked ? help : `altinn-iac: unknown command "${command}"\n\n${help}`,
  );
  process.exit(asked ? 0 : 2);
}
const result = spawnSync(process.execPath, [join(__dirname, "..", "dist", entry[0]), ...args], {
  stdio: "inherit",
});
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
