import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scopeOf, siblingStacks } from "../../program/owner-guard";

/** Which neighbouring stack files can manage the same remote objects as this stack. */
describe("siblingStacks", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "owner-guard-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stackFile = (stack: string, config: Record<string, unknown>) =>
    writeFileSync(join(dir, `Pulumi.${stack}.yaml`), JSON.stringify({ config }));

  it("keeps the stacks of the same environment, org and simulator, and no other", () => {
    const own = scopeOf({
      "altinn-iac:environment": "test",
      "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
    })!;
    stackFile("own", { "altinn-iac:environment": "test", "altinn-iac:org": { code: "digdir" } });
    stackFile("digdir-test-2", {
      "altinn-iac:environment": "test",
      "altinn-iac:org": { code: "digdir" },
    });
    stackFile("org-in-include", { "altinn-iac:environment": "test" });
    stackFile("skd-test", { "altinn-iac:environment": "test", "altinn-iac:org": { code: "skd" } });
    stackFile("digdir-prod", {
      "altinn-iac:environment": "prod",
      "altinn-iac:org": { code: "digdir" },
    });
    stackFile("no-environment", { "altinn-iac:org": { code: "digdir" } });
    writeFileSync(join(dir, "Pulumi.broken.yaml"), "config: [");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: altinn-iac\n");

    expect(siblingStacks(dir, "own", own).sort()).toStrictEqual([
      "digdir-test-2",
      "org-in-include",
    ]);
  });

  it("tells local stacks apart by the simulator they talk to", () => {
    const own = scopeOf({
      "altinn-iac:environment": "local",
      "altinn-iac:simulatorUrl": "http://127.0.0.1:5055",
    })!;
    stackFile("same", {
      "altinn-iac:environment": "local",
      "altinn-iac:simulatorUrl": "http://127.0.0.1:5055",
    });
    stackFile("other", {
      "altinn-iac:environment": "local",
      "altinn-iac:simulatorUrl": "http://127.0.0.1:6000",
    });
    expect(siblingStacks(dir, "own", own)).toStrictEqual(["same"]);
  });
});
