import { partyOfOrganization } from "../../simulator/parties";
import { startSimulator, type CallRecord, type Simulator } from "../../simulator/server";
import { currentResource } from "../../simulator/state";
import { admin, orgNumbers, orgUrn } from "../support/access-lists";
import { TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY, lastSeq, writes } from "../support/simulator";

/**
 * Access lists with the real Pulumi engine and a file backend, against the simulator: a list of 250
 * members connected to a resource that enables access-list mode (created in the safe order), one
 * member added with one write call, a member added out of band seen by refresh and removed by up,
 * and destroy. What it does not prove: tt02's own behaviour.
 */

const RESOURCE = "digdir-e2e-lister";
const CLOSED = "digdir-e2e-stengt";
const LIST = "e2e-banker";
const MEMBERS = orgNumbers(250);
const REGISTRY = "/resourceregistry/api/v1";

function resourceSpec(identifier: string) {
  return {
    identifier,
    title: { nb: "E2E-melding", nn: "E2E-melding", en: "E2E message" },
    description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
    rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
    contactPoints: [
      { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
    ],
    accessListMode: "Enabled",
  };
}

function stackValues(simulator: Simulator, members: string[]) {
  return {
    ...demoStackValues(simulator),
    resources: [resourceSpec(RESOURCE), resourceSpec(CLOSED)],
    accessLists: [
      {
        identifier: LIST,
        name: "E2E-banker",
        description: "Banker i e2e-testen",
        members,
        resources: [{ identifier: RESOURCE, actionFilters: ["read"] }],
      },
    ],
  };
}

function describeCall(c: CallRecord): string {
  const identifier =
    c.method === "POST" && c.path === `${REGISTRY}/resource`
      ? ` ${(JSON.parse(c.body) as { identifier: string }).identifier}`
      : "";
  return `${c.method} ${c.path.replace(REGISTRY, "")}${identifier}`;
}

function liveMembers(simulator: Simulator): string[] {
  const list = simulator.context.state.accessLists[`digdir/${LIST}`]!;
  return Object.keys(list.members)
    .map((uuid) => uuid.slice(-9))
    .sort();
}

describe("AccessList with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: stackValues(simulator, MEMBERS),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("creates the list before switching the mode on, changes one member with one write, and removes a member added out of band after refresh", async () => {
    const up = await stack.up();
    // Resource, then list, members and connection, then the mode: never Enabled without the list.
    const ordered = writes(simulator)
      .filter((c) => c.path.includes(LIST) || describeCall(c).includes(RESOURCE))
      .map(describeCall);
    expect(ordered).toStrictEqual([
      `POST /resource ${RESOURCE}`,
      `PUT /access-lists/digdir/${LIST}`,
      `POST /access-lists/digdir/${LIST}/members`,
      `POST /access-lists/digdir/${LIST}/members`,
      `POST /access-lists/digdir/${LIST}/members`,
      `PUT /access-lists/digdir/${LIST}/resource-connections/${RESOURCE}`,
      `PUT /resource/${RESOURCE}`,
    ]);
    expect(currentResource(simulator.context.state, RESOURCE)!.accessListMode).toBe("Enabled");
    expect(liveMembers(simulator)).toStrictEqual(MEMBERS);
    // The lint at preview, and the provider's own check when it switches the mode on.
    expect(up.output.replace(/\s+/g, " ")).toContain(
      `resource ${CLOSED} enables accessListMode but no access list in this stack is connected to it: Altinn will deny every party.`,
    );
    expect(up.output.replace(/\s+/g, " ")).toContain(
      `accessListMode is being enabled on resource ${CLOSED}, but no access list of digdir is connected to it`,
    );
    expect((await stack.outputs()).accessLists).toStrictEqual({
      [LIST]: { urn: `urn:altinn:access-list:digdir:${LIST}` },
    });

    // One member more: exactly one write call.
    await stack.setConfig({
      values: stackValues(simulator, [...MEMBERS, "920000000"]),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    const beforeAdd = lastSeq(simulator);
    await stack.up();
    const added = writes(simulator, beforeAdd);
    expect(added.map(describeCall)).toStrictEqual([`POST /access-lists/digdir/${LIST}/members`]);
    expect(JSON.parse(added[0]!.body)).toStrictEqual({ data: [orgUrn("920000000")] });

    // Someone adds a member in Studio: refresh sees it, up removes it.
    await admin(simulator, "POST", `/__admin/access-lists/digdir/${LIST}/members`, {
      data: [orgUrn("930000000")],
    });
    const refresh = await stack.pulumiOk(["refresh", "--yes", "--diff"]);
    expect(refresh.output).toContain('"930000000"');
    expect(refresh.output).toMatch(/~ 1 updated/);
    const state = JSON.parse(await stack.exportedState()) as {
      deployment: { resources: Array<{ type: string; outputs: { members?: string[] } }> };
    };
    const inState = state.deployment.resources.find((r) => r.type.endsWith("AccessList"))!;
    expect(inState.outputs.members).toContain("930000000");

    const beforeRestore = lastSeq(simulator);
    await stack.up();
    const removed = writes(simulator, beforeRestore);
    expect(removed.map(describeCall)).toStrictEqual([
      `DELETE /access-lists/digdir/${LIST}/members`,
    ]);
    expect(JSON.parse(removed[0]!.body)).toStrictEqual({
      data: [`urn:altinn:party:uuid:${partyOfOrganization("930000000").uuid}`],
    });
    expect(liveMembers(simulator)).toStrictEqual([...MEMBERS, "920000000"]);

    await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(simulator.context.state.accessLists).toStrictEqual({});
    expect(simulator.context.state.resources).toStrictEqual({});
  }, 300_000);
});
