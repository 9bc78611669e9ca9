import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkArchitecture, MAX_LINES } from "../../scripts/check-architecture";

// The rules of docs/architecture.md, held: `npm run check:architecture` prints the same findings.
describe("the architecture of the product code", () => {
  const report = checkArchitecture(join(__dirname, "..", ".."));

  test("reads the product files", () => {
    expect(report.files).toEqual(
      expect.arrayContaining(["index.ts", "providers/runtime.ts", "simulator/server.ts"]),
    );
  });

  test("the import graph has no cycle", () => {
    expect(report.cycles).toEqual([]);
  });

  test("no import runs from a lower layer to a higher one", () => {
    expect(report.layerViolations).toEqual([]);
  });

  test(`no product file is over ${MAX_LINES} lines`, () => {
    expect(report.longFiles).toEqual([]);
  });
});

describe("the architecture check", () => {
  test("finds a cycle, an upward import, an import into the simulator and a long file", () => {
    const root = mkdtempSync(join(tmpdir(), "architecture-"));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write("providers/lib/a.ts", 'import { b } from "./b";\nexport const a = b;\n');
    write("providers/lib/b.ts", 'import { a } from "./a";\nexport const b = 1;\n');
    write("providers/api/client.ts", "export const client = 1;\n");
    write(
      "providers/lib/up.ts",
      'import { client } from "../api/client";\nexport const up = client;\n',
    );
    write(
      "providers/access-list.ts",
      'import { state } from "../simulator/state";\nexport const x = state;\n',
    );
    write("simulator/state.ts", "export const state = 1;\n" + "// line\n".repeat(MAX_LINES));
    const report = checkArchitecture(root);
    expect(report.cycles).toEqual([["providers/lib/a.ts", "providers/lib/b.ts"]]);
    expect(report.layerViolations).toEqual([
      "providers/access-list.ts (resources) imports simulator/state.ts (simulator)",
      "providers/lib/up.ts (provider core) imports providers/api/client.ts (API clients)",
    ]);
    expect(report.longFiles).toEqual([{ file: "simulator/state.ts", lines: MAX_LINES + 1 }]);
  });
});
