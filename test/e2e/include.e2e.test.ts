import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { stringify } from "yaml";
import { startSimulator, type CallRecord, type Simulator } from "../../simulator/server";
import { orgNumbers } from "../support/access-lists";
import { PROJECT_ROOT, TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY, lastSeq, writes } from "../support/simulator";

/**
 * `altinn-iac:include` with the real Pulumi engine and a file backend, against the simulator: an
 * access list of 10,000 members (about 120 KB of organisation numbers) in an included file. Inline
 * in the stack file the same list does not fit the one environment variable the engine passes
 * the config in (Linux caps it at 128 KiB); included, `pulumi up` writes every member in 100 calls,
 * the next preview shows no change, and `npm run export` finds the resource and the list declared
 * (the list by the included file) and leaves the stack file as it is. What it does not prove:
 * tt02's own limits on list size.
 */

const RESOURCE = "digdir-e2e-inkludert";
const LIST = "e2e-mange-mottakere";
const MEMBERS = orgNumbers(10_000);
const REGISTRY = "/resourceregistry/api/v1";
// Inside the project directory (include paths may not leave it), in a directory git ignores.
const SETUP_DIR = join(".altinn-iac", `e2e-include-${randomBytes(4).toString("hex")}`);
const SETUP_FILE = `${SETUP_DIR}/access-lists.yaml`;

const resource = {
  identifier: RESOURCE,
  title: { nb: "E2E-melding", nn: "E2E-melding", en: "E2E message" },
  description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
  rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
  contactPoints: [
    { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
  ],
};
const accessList = {
  identifier: LIST,
  name: "E2E-mottakere",
  members: MEMBERS,
  resources: [{ identifier: RESOURCE }],
};

function describeCall(c: CallRecord): string {
  return `${c.method} ${c.path.replace(REGISTRY, "")}`;
}

describe("altinn-iac:include with the real engine", () => {
  let simulator: Simulator;
  const stacks: TestStack[] = [];

  beforeAll(async () => {
    simulator = await startSimulator();
    mkdirSync(join(PROJECT_ROOT, SETUP_DIR), { recursive: true });
    writeFileSync(join(PROJECT_ROOT, SETUP_FILE), stringify({ accessLists: [accessList] }));
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.remove();
    rmSync(join(PROJECT_ROOT, SETUP_DIR), { recursive: true, force: true });
    await simulator?.close();
  });

  it("fails with the engine's own error when the 10,000 members are inline in the stack file", async () => {
    const stack = await TestStack.create({
      values: { ...demoStackValues(simulator), resources: [resource], accessLists: [accessList] },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    stacks.push(stack);
    const preview = await stack.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/fork\/exec \S*node: argument list too long/);
    expect(writes(simulator)).toStrictEqual([]);
  });

  it("creates the 10,000 members of an included list in 100 member writes, the next preview shows no change, and export leaves the list to the file", async () => {
    const stack = await TestStack.create({
      values: { ...demoStackValues(simulator), resources: [resource], include: [SETUP_FILE] },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    stacks.push(stack);
    const before = lastSeq(simulator);
    await stack.up();
    expect(writes(simulator, before).map(describeCall)).toStrictEqual([
      "POST /resource",
      `PUT /access-lists/digdir/${LIST}`,
      ...Array<string>(100).fill(`POST /access-lists/digdir/${LIST}/members`),
      `PUT /access-lists/digdir/${LIST}/resource-connections/${RESOURCE}`,
    ]);
    const live = simulator.context.state.accessLists[`digdir/${LIST}`]!;
    expect(
      Object.keys(live.members)
        .map((uuid) => uuid.slice(-9))
        .sort(),
    ).toStrictEqual(MEMBERS);
    expect((await stack.outputs()).accessLists).toStrictEqual({
      [LIST]: { urn: `urn:altinn:access-list:digdir:${LIST}` },
    });

    const beforePreview = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same")).toStrictEqual([]);
    expect(writes(simulator, beforePreview)).toStrictEqual([]);

    // Export finds the resource and the list declared (the list by the included file), so it
    // leaves the stack file as it is and never writes the included file.
    const file = readFileSync(stack.configFile, "utf8");
    const exported = await stack.exportSetup();
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe("");
    expect(exported.stderr.split("\n")).toStrictEqual([
      `${stack.configFile}: added 0 object(s) that are live in local and not declared; kept the 2 declared object(s) found live as they are written`,
      "note: Maskinporten clients were not read: the stack has no self-service admin client (altinn-iac:selfServiceClientId); altinn-iac:maskinportenClients is left as it was",
      "",
    ]);
    expect(readFileSync(stack.configFile, "utf8")).toBe(file);
    const beforeExportedPreview = lastSeq(simulator);
    expect((await stack.previewSteps()).filter((s) => s.op !== "same")).toStrictEqual([]);
    expect(writes(simulator, beforeExportedPreview)).toStrictEqual([]);
  }, 300_000);
});
