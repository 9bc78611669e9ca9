/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, tsconfig: "tsconfig.json" }],
  },
  // The e2e tests run the compiled program and providers (Pulumi.yaml's index.js loads dist/):
  // build them first when a source changed, so no test runs a stale dist/.
  globalSetup: "<rootDir>/scripts/build.js",
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
