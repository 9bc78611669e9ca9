// Loaded by the provider shell that state written before altinn-iac ran from compiled JavaScript
// holds (it requires `<project>/providers/load-runtime.js`), until an update writes the current
// shell (lib/shell.ts): their refresh, read and delete keep working with the compiled runtime.
"use strict";
module.exports = require("../dist/providers/runtime.js");
