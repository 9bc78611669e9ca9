import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { startSimulator, type CallRecord, type Simulator } from "../../simulator/server";
import { LISTS, orgUrn, rawCall } from "../support/access-lists";
import { PROJECT_ROOT, TestStack } from "../support/pulumi-cli";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../support/self-service";
import { demoContext, lastSeq, writes } from "../support/simulator";

/**
 * Issue 16's first scenario with the real engine: the demo's own stack file (Pulumi.local.yaml:
 * comments, a `template: correspondence` policy, a client and a subscription with logical names
 * export would not derive) is brought up, a list is made by hand beside it, and `npm run export`
 * runs into that same stack. Export adds only the hand-made list, the file keeps every name,
 * comment and the template, and the next `up` makes no write at all (no DELETE, no POST): the
 * state still points at every object. A live change to a declared list is a review line, not a
 * rewrite; `--overwrite-differences` takes it into the file and the preview then shows no change.
 */

const DEMO_FILE = readFileSync(join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8");
const LIST = "digdir-demo-mottakere";
const HAND_MADE = "digdir-laget-for-haand";

/** The demo stack file against this simulator, with the test stack's salt and secrets. */
function demoStackFile(stack: TestStack, simulator: Simulator): string {
  const own = parse(readFileSync(stack.configFile, "utf8")) as {
    encryptionsalt: string;
    config: Record<string, { secure: string }>;
  };
  const secure = (key: string) => own.config[`altinn-iac:${key}`]!.secure;
  return DEMO_FILE.replace(/^encryptionsalt: .*$/m, `encryptionsalt: ${own.encryptionsalt}`)
    .replace(
      /(altinn-iac:maskinportenPrivateKey:\n\s+secure: ).*/,
      `$1${secure("maskinportenPrivateKey")}`,
    )
    .replace(
      /(altinn-iac:selfServicePrivateKey:\n\s+secure: ).*/,
      `$1${secure("selfServicePrivateKey")}`,
    )
    .replaceAll("http://127.0.0.1:5055", simulator.url);
}

const describeCall = (c: CallRecord) => `${c.method} ${c.path}`;

describe("export into the demo's own stack after up", () => {
  let simulator: Simulator;
  let stack: TestStack;
  let demo: string;

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: selfServiceStackValues(simulator),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    demo = demoStackFile(stack, simulator);
    writeFileSync(stack.configFile, demo);
    await stack.up();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("adds only what is live and not declared, keeps the file's names, comments and template, and the next up makes no write", async () => {
    const token = await demoContext(simulator).tokens.altinnToken([
      "altinn:resourceregistry/accesslist.write",
    ]);
    const path = `${LISTS}/digdir/${HAND_MADE}`;
    expect(
      (await rawCall(simulator, "PUT", path, { token, body: { name: "Laget for hånd" } })).status,
    ).toBe(200);
    await rawCall(simulator, "POST", `${path}/members`, {
      token,
      body: { data: [orgUrn("312000001")] },
    });

    const exported = await stack.exportSetup();
    expect(exported.code).toBe(0);
    const added = [
      `    - identifier: ${HAND_MADE}`,
      "      name: Laget for hånd",
      "      members:",
      '        - "312000001"',
      "      resources: []",
      "      adopt: true",
    ];
    const expected = demo.replace(
      "          actionFilters: [read, subscribe]\n",
      `          actionFilters: [read, subscribe]\n${added.join("\n")}\n`,
    );
    expect(readFileSync(stack.configFile, "utf8")).toBe(expected);
    expect(exported.stdout).toBe(
      [
        `--- Pulumi.${stack.name}.yaml`,
        `+++ Pulumi.${stack.name}.yaml`,
        "@@ -46,6 +46,12 @@",
        "           # subscribe: with accessListMode Enabled the PDP asks the lists for each event's",
        "           # recipient before Events delivers it to the owner's subscription.",
        "           actionFilters: [read, subscribe]",
        ...added.map((line) => `+${line}`),
        "   altinn-iac:subscriptions:",
        "     - name: demo-melding-events",
        "       resource: digdir-iac-demo-melding",
        "",
      ].join("\n"),
    );
    expect(exported.stderr.split("\n")).toStrictEqual([
      `${stack.configFile}: added 1 object(s) that are live in local and not declared; kept the 4 declared object(s) found live as they are written`,
      `added: access list ${HAND_MADE} as altinn-iac:accessLists.1`,
      'note: client altinn-iac-local-provisioner ("altinn-iac local provisioner") is left out: it is this stack\'s own provisioning or self-service admin client',
      'note: client altinn-iac-local-selfservice ("altinn-iac local self-service admin") is left out: it is this stack\'s own provisioning or self-service admin client',
      "run pulumi preview to see what up adopts",
      "",
    ]);

    const before = lastSeq(simulator);
    await stack.up();
    const calls = simulator.calls.filter((c) => c.seq > before);
    expect(calls.filter((c) => c.method === "DELETE").map(describeCall)).toStrictEqual([]);
    expect(calls.filter((c) => c.method === "POST" && c.write).map(describeCall)).toStrictEqual([]);
    expect(writes(simulator, before).map(describeCall)).toStrictEqual([]);
    expect(Object.keys((await stack.outputs()).accessLists as object).sort()).toStrictEqual([
      LIST,
      HAND_MADE,
    ]);

    const afterUp = lastSeq(simulator);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`)).toStrictEqual([]);
    expect(writes(simulator, afterUp)).toStrictEqual([]);
  });

  it("reports a live change to a declared list for review without writing it, and takes it into the file only with --overwrite-differences", async () => {
    const token = await demoContext(simulator).tokens.altinnToken([
      "altinn:resourceregistry/accesslist.write",
    ]);
    await rawCall(simulator, "POST", `${LISTS}/digdir/${LIST}/members`, {
      token,
      body: { data: [orgUrn("312000009")] },
    });
    const file = readFileSync(stack.configFile, "utf8");

    const review = await stack.exportSetup();
    expect(review.code).toBe(0);
    expect(review.stdout).toBe("");
    expect(readFileSync(stack.configFile, "utf8")).toBe(file);
    expect(review.stderr.split("\n").slice(0, 3)).toStrictEqual([
      `${stack.configFile}: added 0 object(s) that are live in local and not declared; kept the 5 declared object(s) found live as they are written`,
      "review: 1 difference(s) between the declared and the live setup, left as declared (the next up makes the live objects as declared; --overwrite-differences writes the live values into the stack file instead):",
      "  altinn-iac:accessLists.0.members: live but not declared: 312000009",
    ]);

    const dryRun = await stack.exportSetup(["--overwrite-differences", "--dry-run"]);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toBe(
      [
        `--- Pulumi.${stack.name}.yaml`,
        `+++ Pulumi.${stack.name}.yaml`,
        "@@ -40,7 +40,7 @@",
        "     - identifier: digdir-demo-mottakere",
        "       name: Demo recipients",
        "       description: Organisations that receive the altinn-iac demo messages",
        '-      members: ["310654321", "311987654"]',
        '+      members: ["310654321", "311987654", "312000009"]',
        "       resources:",
        "         - identifier: digdir-iac-demo-melding",
        "           # subscribe: with accessListMode Enabled the PDP asks the lists for each event's",
        "",
      ].join("\n"),
    );
    expect(readFileSync(stack.configFile, "utf8")).toBe(file);

    const overwrite = await stack.exportSetup(["--overwrite-differences"]);
    expect(overwrite.code).toBe(0);
    expect(readFileSync(stack.configFile, "utf8")).toBe(
      file.replace(
        'members: ["310654321", "311987654"]',
        'members: ["310654321", "311987654", "312000009"]',
      ),
    );
    expect(overwrite.stderr.split("\n")[1]).toBe(
      "overwritten with the live value: altinn-iac:accessLists.0.members: live but not declared: 312000009",
    );
    // The state still holds the old members, so the file is compared with the live list.
    const before = lastSeq(simulator);
    const steps = await stack.previewSteps(["--refresh"]);
    expect(
      steps.filter((s) => !["same", "refresh"].includes(s.op)).map((s) => `${s.op} ${s.urn}`),
    ).toStrictEqual([]);
    expect(writes(simulator, before)).toStrictEqual([]);
  });
});
