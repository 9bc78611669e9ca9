// Pulumi.yaml's `main`: the compiled program, dist/index.js (`npm run build`). This file stays in
// the project directory because Pulumi runs a program, and its providers, in the directory of its
// main file, and the program reads the project's stack files and `altinn-iac:include` files.
// Its exports are the stack outputs.
"use strict";
module.exports = require("./dist/index.js");
