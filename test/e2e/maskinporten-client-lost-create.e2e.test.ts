import { startSimulator, type Simulator } from "../../simulator/server";
import { TestStack } from "../support/pulumi-cli";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../support/self-service";
import { lastSeq } from "../support/simulator";

/**
 * A Maskinporten client whose create answer is lost, and the list after it too, with the real
 * engine and a file backend: the first up records the create as unconfirmed, the second up (faults
 * off) deletes the client the attempt made and creates the one client, whose client_id is then the
 * state's id, and a third preview shows no change. A protected stack cannot replace it; refresh
 * takes the client over instead. What it does not prove: Digdir's real servers.
 */

// Each stack runs the engine five or six times, each a few seconds.
jest.setTimeout(600_000);

const CLIENTS = "/selfservice/api/v1/clients";

const client = {
  name: "melding-sender",
  clientName: "digdir melding sender",
  description: "Sends Altinn messages for digdir-melding",
  scopes: ["altinn:serviceowner"],
};

interface StateResource {
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

async function stateResources(stack: TestStack): Promise<StateResource[]> {
  const exported = JSON.parse(await stack.exportedState()) as {
    deployment: { resources: StateResource[] };
  };
  return exported.deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
}

function clientResource(resources: StateResource[]): StateResource | undefined {
  return resources.find((r) => r.type.endsWith(":MaskinportenClient"));
}

describe("a Maskinporten client whose create answer is lost, with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack | undefined;

  beforeEach(async () => {
    simulator = await startSimulator();
  });

  afterEach(async () => {
    await stack?.remove();
    stack = undefined;
    await simulator.close();
  });

  function stackValues(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...selfServiceStackValues(simulator),
      maskinportenClients: [client],
      // Quick retries: a lost answer is known at once, there is nothing to wait for.
      http: { timeoutMs: 5_000, attempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
      ...extra,
    };
  }

  /** The first up: the POST's answer is lost and so is every answer to the list after it. */
  async function upWithLostCreate(): Promise<{ output: string; lostId: string }> {
    await fetch(`${simulator.url}/__admin/faults`, {
      method: "POST",
      body: JSON.stringify({
        seed: 1,
        rate: 0,
        // The check's list of the org's clients (the natural key) passes; every call after fails.
        perApi: { [CLIENTS]: { rate: 1, kinds: ["lost-response"], after: 1 } },
      }),
    });
    const up = await stack!.pulumi(["up", "--yes", "--skip-preview"]);
    await fetch(`${simulator.url}/__admin/faults`, { method: "DELETE" });
    expect(up.code).not.toBe(0);
    const made = namedClients();
    expect(made).toHaveLength(1);
    return { output: up.output, lostId: made[0]! };
  }

  function namedClients(): string[] {
    return Object.values(simulator.context.state.clients)
      .filter((c) => c.client_name === client.clientName)
      .map((c) => c.client_id);
  }

  function selfServiceCalls(since: number, ids: Record<string, string>): string[] {
    return simulator.calls
      .filter((c) => c.seq > since && c.path.startsWith("/selfservice/"))
      .map((c) => {
        let path = c.path;
        for (const [name, id] of Object.entries(ids)) path = path.replace(id, `{${name}}`);
        return `${c.method} ${path} ${c.status}`;
      });
  }

  it("records the create as unconfirmed, and the next up leaves one client whose client_id is the id", async () => {
    stack = await TestStack.create({ values: stackValues(), secrets: SELF_SERVICE_STACK_SECRETS });
    const { output, lostId } = await upWithLostCreate();
    expect(output.replace(/\s+/g, " ")).toContain(
      "The client is recorded as unconfirmed: the next pulumi up deletes the client this attempt made, if it made one, and creates it again",
    );
    const recorded = clientResource(await stateResources(stack))!;
    const attemptedAt = String(recorded.outputs!.createAttemptedAt);
    expect(recorded.id).toBe(`unconfirmed:${attemptedAt}`);
    expect(recorded.initErrors).toHaveLength(1);
    expect(
      selfServiceCalls(0, {}).filter((c) => c.includes(" /selfservice/api/v1/clients")),
    ).toStrictEqual([
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 0`,
      `GET ${CLIENTS} 0`,
      `GET ${CLIENTS} 0`,
      `GET ${CLIENTS} 0`,
    ]);

    // The next preview: a replacement that deletes first; the key is still to be made.
    expect(
      (await stack.previewSteps())
        .filter((s) => s.op !== "same")
        .map((s) => `${s.op} ${s.urn.split("::").pop()}`),
    ).toStrictEqual(["replace melding-sender", "create melding-sender-key"]);

    const seq = lastSeq(simulator);
    const second = await stack.up();
    expect(second.output).toContain(
      `the create of client "${client.clientName}" at ${attemptedAt} was not confirmed: up deletes the client it made, if it made one, and creates the client again`,
    );
    const [kept] = namedClients();
    expect(namedClients()).toStrictEqual([kept]);
    expect(kept).not.toBe(lostId);
    // The replacement's re-check reads scope access and the clients (the engine checks it as a
    // new resource); the delete forgets that list, so the create lists again and finds nothing.
    expect(selfServiceCalls(seq, { lost: lostId, kept: kept! })).toStrictEqual([
      "GET /selfservice/api/v1/scopes/access/all 200",
      `GET ${CLIENTS} 200`,
      "GET /selfservice/api/v1/scopes/access/all 200",
      `GET ${CLIENTS} 200`,
      `DELETE ${CLIENTS}/{lost} 200`,
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 200`,
      `POST ${CLIENTS}/{kept}/jwks 200`,
    ]);
    const resource = clientResource(await stateResources(stack))!;
    expect([resource.id, resource.outputs!.clientId, resource.initErrors]).toStrictEqual([
      kept,
      kept,
      undefined,
    ]);
    expect(simulator.context.state.clients[kept!]!.jwks).toHaveLength(1);
    expect((await stack.previewSteps()).filter((s) => s.op !== "same")).toStrictEqual([]);
  });

  it("cannot replace it in a protected stack, where refresh takes over the client the attempt made", async () => {
    stack = await TestStack.create({
      values: stackValues({ protect: true }),
      secrets: SELF_SERVICE_STACK_SECRETS,
    });
    const { lostId } = await upWithLostCreate();

    const preview = await stack.pulumi(["preview"]);
    expect(preview.code).not.toBe(0);
    expect(preview.output.replace(/\s+/g, " ")).toContain("unable to replace resource");
    expect(preview.output.replace(/\s+/g, " ")).toContain(
      "(a protected stack cannot replace it: run pulumi refresh first, which takes that client over or forgets the attempt)",
    );

    let seq = lastSeq(simulator);
    await stack.pulumiOk(["refresh", "--yes", "--skip-preview"]);
    expect(selfServiceCalls(seq, {})).toStrictEqual([`GET ${CLIENTS} 200`]);
    const refreshed = clientResource(await stateResources(stack))!;
    expect([refreshed.id, refreshed.outputs!.clientId, refreshed.initErrors]).toStrictEqual([
      lostId,
      lostId,
      undefined,
    ]);

    // Not made by this process as far as it knows: the key's create reads the key set first.
    seq = lastSeq(simulator);
    await stack.up();
    expect(selfServiceCalls(seq, { lost: lostId })).toStrictEqual([
      "GET /selfservice/api/v1/scopes/access/all 200",
      `GET ${CLIENTS}/{lost}/jwks 200`,
      `GET ${CLIENTS}/{lost}/jwks 200`,
      `POST ${CLIENTS}/{lost}/jwks 200`,
    ]);
    expect(namedClients()).toStrictEqual([lostId]);
    expect(simulator.context.state.clients[lostId]!.jwks).toHaveLength(1);
    expect((await stack.previewSteps()).filter((s) => s.op !== "same")).toStrictEqual([]);
  });
});
