import { existsSync, readdirSync } from "node:fs";
import { prefixedObjects, remoteDifferences } from "../../acceptance/remote";
import { acceptanceSetups, prefixPattern } from "../../acceptance/setup";
import { correspondencePolicy } from "../../policies/templates";
import * as accessLists from "../../providers/api/access-lists";
import * as events from "../../providers/api/events";
import * as registry from "../../providers/api/resource-registry";
import * as selfService from "../../providers/api/self-service";
import type { ProviderContext } from "../../providers/lib/context";
import { FaultInjector } from "../../simulator/faults";
import { startSimulator, type Simulator } from "../../simulator/server";
import { eventually, seedResource } from "../support/events";
import { PROJECT_ROOT, TestStack, type CliResult } from "../support/pulumi-cli";
import { pemBodyLines, scanForSecrets } from "../support/secret-scan";
import {
  SELF_SERVICE_STACK_SECRETS,
  createdClient,
  selfServiceContext,
  selfServiceStackValues,
} from "../support/self-service";
import { DEMO_ORG, DEMO_ORGNR } from "../support/simulator";

/**
 * `npm run acceptance` as a user runs it, pointed at a simulator through a `local` stack: the tier
 * itself is tested here, so a green run in tt02 means what it says.
 */
describe("npm run acceptance against the simulator", () => {
  let simulator: Simulator;
  let source: TestStack;
  let ctx: ProviderContext;

  const acceptance = (stack: TestStack, args: string[]): Promise<CliResult> =>
    stack.run("bash", ["scripts/acceptance.sh", "--stack", stack.name, ...args]);

  beforeAll(async () => {
    simulator = await startSimulator();
    ctx = selfServiceContext(simulator);
    // The stack whose credentials the run borrows; its first access list names known members.
    source = await TestStack.create({
      values: {
        ...selfServiceStackValues(simulator),
        // Carried over to the run's stack: a failed call fails fast.
        http: { attempts: 2, baseDelayMs: 10, maxDelayMs: 100 },
        accessLists: [
          {
            identifier: "digdir-mottakere",
            name: "Mottakere",
            members: ["310654321", "311987654"],
          },
        ],
      },
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
  });

  afterAll(async () => {
    await source?.remove();
    await simulator?.close();
  });

  it("creates every kind of object, passes each step and leaves nothing behind", async () => {
    const before = simulator.calls.length;
    const result = await acceptance(source, []);
    // The whole output when it fails: the failed step and the engine's words.
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
    expect(steps(result)).toStrictEqual([
      "ok   up",
      "ok   preview (no change)",
      "ok   refresh (no change)",
      "ok   change",
      "ok   destroy",
    ]);
    expect(result.stdout).toContain("acceptance passed");

    const runId = /acceptance run ([0-9a-f]{8})/.exec(result.stdout)![1]!;
    const writes = simulator.calls
      .slice(before)
      .filter((c) => c.write)
      .map(
        (c) =>
          `${c.method} ${c.path.replaceAll(runId, "*").replace(/\/(\d+|[0-9a-f-]{36})(?=\/|$)/, "/{id}")}`,
      );
    const resource = "/resourceregistry/api/v1/resource/digdir-iacacc-*-melding";
    const list = "/resourceregistry/api/v1/access-lists/digdir/digdir-iacacc-*-mottakere";
    expect([...new Set(writes)].sort()).toStrictEqual(
      [
        "POST /resourceregistry/api/v1/resource",
        `POST ${resource}/policy`,
        `PUT ${resource}/policy`,
        `PUT ${resource}`,
        `DELETE ${resource}`,
        `PUT ${list}`,
        `POST ${list}/members`,
        `PUT ${list}/resource-connections/digdir-iacacc-*-melding`,
        `DELETE ${list}`,
        "POST /selfservice/api/v1/clients",
        "POST /selfservice/api/v1/clients/{id}/jwks",
        "DELETE /selfservice/api/v1/clients/{id}/jwks",
        "PUT /selfservice/api/v1/clients/{id}",
        "DELETE /selfservice/api/v1/clients/{id}",
        "POST /events/api/v1/subscriptions",
        "DELETE /events/api/v1/subscriptions/{id}",
      ].sort(),
    );
    await expectNoPrefixedObjects();
    expect(readdirSync(PROJECT_ROOT).filter((f) => f.startsWith("Pulumi.acceptance-"))).toEqual([]);
    const secrets = Object.values(SELF_SERVICE_STACK_SECRETS).map((pem, i) => ({
      name: `private key ${i}`,
      fragments: pemBodyLines(pem),
    }));
    expect(scanForSecrets({ output: result.output }, secrets)).toStrictEqual([]);
  });

  it("fails on the first failed step, names it, and destroys what the run made", async () => {
    // The registry answers 500 to everything about the run's access list; the rest gets made.
    simulator.context.faults = new FaultInjector({
      seed: 1,
      rate: 1,
      kinds: ["500"],
      paths: ["/resourceregistry/api/v1/access-lists/digdir/digdir-iacacc-"],
    });
    let result: CliResult;
    try {
      result = await acceptance(source, []);
    } finally {
      simulator.context.faults = undefined;
    }
    expect(result.code).toBe(1);
    expect(steps(result)).toStrictEqual(["FAIL up:"]);
    expect(result.stdout).toMatch(/Access lists: .* access list digdir\/digdir-iacacc-.*500/);
    expect(result.stdout.trimEnd().split("\n").slice(-2)).toStrictEqual([
      "destroyed what the failed run had made",
      "acceptance failed",
    ]);
    await expectNoPrefixedObjects();
  });

  it("names each way the remote side differs from a step's declared setup", async () => {
    const runId = "0badc0de";
    const endPoint = `${simulator.url}/webhooks/acceptance-check`;
    const { initial } = acceptanceSetups({
      org: { code: DEMO_ORG, number: DEMO_ORGNR },
      runId,
      endPoint,
      members: ["310654321"],
    });
    expect(await remoteDifferences(ctx, DEMO_ORG, initial)).toStrictEqual([
      `resource ${initial.resourceId} does not exist`,
      `access list digdir/${initial.list.identifier} does not exist`,
      `0 Maskinporten clients are named ${initial.client.clientName}, declared 1`,
      `0 subscriptions to urn:altinn:resource:${initial.resourceId}, declared 1`,
    ]);
    await plantLeftovers(runId, endPoint);
    expect(await remoteDifferences(ctx, DEMO_ORG, initial)).toStrictEqual([
      `resource ${initial.resourceId} has the title "leftover", declared "${initial.title}"`,
      `the policy of resource ${initial.resourceId} does not grant what was declared (authentication level 3, DAGL reads, the owner writes and subscribes)`,
      `access list digdir/${initial.list.identifier} is named "leftover", declared "${initial.list.name}"`,
      `access list digdir/${initial.list.identifier} has the members [], declared [310654321]`,
      `access list digdir/${initial.list.identifier} is connected to nothing, declared ${initial.resourceId} [read]`,
      `Maskinporten client ${initial.client.clientName} has the description "leftover", declared "${initial.client.description}"`,
      `Maskinporten client ${initial.client.clientName} has 0 keys, expected 1`,
    ]);
  });

  it("sweeps the prefixed leftovers of a failed run and leaves every other object", async () => {
    // Planted by the test before: the leftovers of run 0badc0de. Not the acceptance tier's:
    const keep = {
      resources: ["digdir-keep-iacacc-0badc0de-melding", "digdir-iacacc-melding"],
      foreign: "digdir-iacacc-0badc0de-foreign",
      list: "digdir-iacacc-keep",
      client: "keep digdir-iacacc-0badc0de-sender",
    };
    for (const id of keep.resources) {
      await seedResource(
        simulator,
        id,
        correspondencePolicy(DEMO_ORG, { recipients: { roles: ["DAGL"] } }),
      );
    }
    await seedResource(simulator, keep.foreign, undefined, {
      organization: "974760673",
      orgcode: "brg",
    });
    await accessLists.putAccessList(
      ctx,
      { owner: DEMO_ORG, identifier: keep.list },
      { name: "keep", description: "" },
      { ifNoneMatch: "*" },
    );
    const keptClient = await createdClient(ctx, registration(keep.client));
    const keptSubscription = await events.createSubscription(ctx, {
      endPoint: `${simulator.url}/webhooks/keep`,
      resourceFilter: `urn:altinn:resource:${keep.resources[0]}`,
    });

    const result = await acceptance(source, ["--sweep"]);
    expect(result.code).toBe(0);
    const leftover = "digdir-iacacc-0badc0de";
    const subscriptionId = /removed subscription (\d+) /.exec(result.stdout)?.[1];
    const clientId = /removed Maskinporten client (\S+) /.exec(result.stdout)?.[1];
    expect(result.stdout.split("\n").filter((l) => l.startsWith("removed "))).toStrictEqual([
      `removed subscription ${subscriptionId} to ${leftover}-melding`,
      `removed access list digdir/${leftover}-mottakere`,
      `removed resource ${leftover}-melding`,
      `removed Maskinporten client ${clientId} (${leftover}-sender)`,
    ]);
    expect(result.stdout).toContain("swept: 4 removed, 0 could not be removed");
    await expectNoPrefixedObjects();
    for (const id of [...keep.resources, keep.foreign]) {
      expect((await registry.getResource(ctx, id))?.identifier).toBe(id);
    }
    expect(
      await accessLists.getAccessList(ctx, { owner: DEMO_ORG, identifier: keep.list }),
    ).toBeDefined();
    expect((await selfService.getClient(ctx, keptClient.client_id!))?.client_name).toBe(
      keep.client,
    );
    expect((await events.getSubscription(ctx, String(keptSubscription.id)))?.id).toBe(
      keptSubscription.id,
    );
  });

  it("is skipped, and says so, when the stack has no credentials", async () => {
    const bare = await TestStack.create({
      values: { environment: "local", org: { code: DEMO_ORG, number: DEMO_ORGNR } },
    });
    try {
      const result = await acceptance(bare, []);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(
          `^acceptance skipped: stack ${bare.name} \\(local\\) has no credentials: set the provisioning client .*; the self-service admin client`,
          "m",
        ),
      );
    } finally {
      await bare.remove();
    }
  });

  it("refuses a production stack, for a run and for a sweep", async () => {
    const prod = await TestStack.create({
      values: { environment: "prod", org: { code: DEMO_ORG, number: DEMO_ORGNR } },
    });
    try {
      for (const args of [[], ["--sweep"]]) {
        const result = await acceptance(prod, args);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`refused: stack ${prod.name} is in the prod environment.`);
      }
    } finally {
      await prod.remove();
    }
    expect(existsSync(prod.configFile)).toBe(false);
  });

  /** The step lines of a run's output, without their times. */
  function steps(result: CliResult): string[] {
    return result.stdout
      .split("\n")
      .filter((line) => /^(ok {3}|FAIL )/.test(line))
      .map((line) => line.replace(/ \(\d+\.\d s\)(:?)$/, "$1"));
  }

  async function expectNoPrefixedObjects(): Promise<void> {
    expect(await prefixedObjects(ctx, DEMO_ORG, prefixPattern(DEMO_ORG))).toStrictEqual({
      resources: [],
      accessLists: [],
      clients: [],
      subscriptions: [],
    });
  }

  /** What a failed run 0badc0de would have left, with contents other than declared. */
  async function plantLeftovers(runId: string, endPoint: string): Promise<void> {
    const prefix = `digdir-iacacc-${runId}`;
    await seedResource(
      simulator,
      `${prefix}-melding`,
      correspondencePolicy(DEMO_ORG, { recipients: { roles: ["DAGL"] }, authenticationLevel: 2 }),
      DEMO_OWNER,
      { title: { nb: "leftover" } },
    );
    await accessLists.putAccessList(
      ctx,
      { owner: DEMO_ORG, identifier: `${prefix}-mottakere` },
      { name: "leftover", description: "" },
      { ifNoneMatch: "*" },
    );
    const client = await createdClient(ctx, registration(`${prefix}-sender`));
    expect(client.client_name).toBe(`${prefix}-sender`);
    const subscription = await events.createSubscription(ctx, {
      endPoint,
      resourceFilter: `urn:altinn:resource:${prefix}-melding`,
    });
    await eventually(
      async () =>
        (await events.getSubscription(ctx, String(subscription.id)))?.validated || undefined,
      "the planted subscription's validation",
    );
  }
});

const DEMO_OWNER = { organization: DEMO_ORGNR, orgcode: DEMO_ORG };

function registration(clientName: string): selfService.ClientRegistration {
  return {
    client_name: clientName,
    description: "leftover",
    integration_type: "maskinporten",
    application_type: "web",
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: [selfService.JWT_BEARER_GRANT],
    scopes: ["altinn:serviceowner"],
  };
}
