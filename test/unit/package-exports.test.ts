import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** Every provider module a consumer may import: a file, or a folder with its index. */
function providerModules(): string[] {
  return readdirSync(join(ROOT, "providers"), { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile() && entry.name.endsWith(".ts")) return [entry.name.slice(0, -3)];
    if (entry.isDirectory() && existsSync(join(ROOT, "providers", entry.name, "index.ts"))) {
      return [entry.name];
    }
    return [];
  });
}

// Resolved as Node resolves a consumer's import (jest's resolver does not follow `exports`):
// from the project by package name, which inside this repository is the self-reference.
function resolved(specifier: string): string {
  const script = `console.log(require("module").createRequire(process.cwd() + "/package.json").resolve(${JSON.stringify(specifier)}))`;
  return execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }).trim();
}

describe("the package's exports", () => {
  test.each(providerModules())(
    "altinn-iac/providers/%s resolves to its compiled module",
    (name) => {
      const file = resolved(`altinn-iac/providers/${name}`);
      const expected = existsSync(join(ROOT, "providers", name, "index.ts"))
        ? join(ROOT, "dist", "providers", name, "index.js")
        : join(ROOT, "dist", "providers", `${name}.js`);
      expect(file).toBe(expected);
    },
  );

  test("the package root is the component, the resources and the policy builder", () => {
    expect(resolved("altinn-iac")).toBe(join(ROOT, "dist", "program", "package-api.js"));
  });
});
