import { startSimulator, type Simulator } from "../../simulator/server";
import { TestStack } from "../support/pulumi-cli";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../support/self-service";
import { DEMO_ORG, lastSeq, writes } from "../support/simulator";

/**
 * One owner per remote object, with the real engine: two stacks of one org in one backend against
 * one simulator. The second stack declares the first one's access list (adopt: true) and a client
 * with the same name and description: its preview and up stop before any write, naming the stack
 * that manages each object and the fix; the first stack's destroy is the only one that deletes the
 * list; moving the list as the message says works with no write.
 */

const LIST = "digdir-owner-mottakere";

describe("two stacks that declare one remote object", () => {
  let simulator: Simulator;
  let first: TestStack;
  let second: TestStack;

  const list = (extra: Record<string, unknown> = {}) => ({
    identifier: LIST,
    name: "Owner recipients",
    description: "Recipients of the owner test",
    members: ["310654321"],
    ...extra,
  });
  const client = {
    name: "melding-sender",
    clientName: "Owner sender",
    description: "Sends owner test messages",
    scopes: ["altinn:correspondence.write"],
  };
  const values = (extra: Record<string, unknown>) => ({
    ...selfServiceStackValues(simulator),
    ...extra,
  });

  beforeAll(async () => {
    simulator = await startSimulator();
    first = await TestStack.create({
      values: values({ accessLists: [list()], maskinportenClients: [client] }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    await first.up();
    second = await first.sibling({
      values: values({
        accessLists: [list({ adopt: true, members: ["310654321", "311987654"] })],
        maskinportenClients: [{ ...client, name: "sender" }],
      }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
  });

  afterAll(async () => {
    await second?.remove();
    await first?.remove();
    await simulator?.close();
  });

  it("stops the second stack's preview and up before any write, naming the owner and the fix", async () => {
    const since = lastSeq(simulator);
    const preview = await second.pulumi(["preview"]);
    const up = await second.pulumi(["up", "--yes", "--skip-preview"]);

    for (const result of [preview, up]) {
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("altinn-iac: the plan is refused before any change:");
      expect(result.output).toContain(
        `altinn-iac:accessLists.0: ${LIST} is the access list ${DEMO_ORG}/${LIST}, which stack ${first.name} manages (as ${LIST}); one remote object has one owner stack (two would overwrite each other's values, and either one's destroy deletes it): remove it from this stack, or move it: run pulumi state delete 'urn:pulumi:${first.name}::altinn-iac::altinn-iac:index:ServiceOwnerSetup$pulumi-nodejs:dynamic/altinn:AccessList::${LIST}' --stack ${first.name}, remove it from Pulumi.${first.name}.yaml, then up here adopts it`,
      );
      expect(result.output).toContain(
        `altinn-iac:maskinportenClients.0: sender is the client named "Owner sender" with the description "Sends owner test messages", which stack ${first.name} manages (as melding-sender)`,
      );
      expect(result.output).not.toContain("    at ");
    }
    expect(writes(simulator, since)).toStrictEqual([]);
    // The first stack is unaffected: its plan is clean and its list keeps its one member.
    expect(
      (await first.previewSteps()).filter((s) => s.op !== "same").map((s) => s.op),
    ).toStrictEqual([]);
  });

  it("moves the list as the message says: state delete there, adopt here, no write", async () => {
    const urn = `urn:pulumi:${first.name}::altinn-iac::altinn-iac:index:ServiceOwnerSetup$pulumi-nodejs:dynamic/altinn:AccessList::${LIST}`;
    await first.pulumiOk(["state", "delete", urn, "--yes"]);
    await first.setConfig({
      values: values({ maskinportenClients: [client] }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    await second.setConfig({
      values: values({ accessLists: [list({ adopt: true })] }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const since = lastSeq(simulator);

    await second.up();
    expect(writes(simulator, since)).toStrictEqual([]);

    // Each stack's destroy deletes only what it owns now.
    await first.pulumiOk(["destroy", "--yes"]);
    expect(
      writes(simulator, since)
        .map((c) => `${c.method} ${c.path}`)
        .filter((w) => w.includes(LIST)),
    ).toStrictEqual([]);
    await second.pulumiOk(["destroy", "--yes"]);
    expect(
      writes(simulator, since)
        .map((c) => `${c.method} ${c.path}`)
        .filter((w) => w.startsWith("DELETE") && w.includes(LIST)),
    ).toHaveLength(1);
  });
});
