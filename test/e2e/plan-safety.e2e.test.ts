import fc from "fast-check";
import { subscriptionKey } from "../../program/declared-objects";
import { previousObjects } from "../../program/previous-deployment";
import { startSimulator, type Simulator } from "../../simulator/server";
import { initialWorld, planEdits, RESOURCE, type World } from "../support/plan-edits";
import { TestStack } from "../support/pulumi-cli";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../support/self-service";
import { DEMO_ORG, DEMO_ORGNR, lastSeq } from "../support/simulator";

/**
 * Issue 16's property with the real engine: one generated sequence of stack-file edits (renames
 * with and without aliases, adoption by client_id, removals, an export), each followed by
 * `pulumi up`, never sends a DELETE for a client, key set or subscription the state still holds,
 * and never leaves state on an object the simulator no longer has. The many sequences run
 * against a model in test/program/plan-safety.property.test.ts; this one keeps CI time modest.
 */

const STEPS = 6;

describe("a generated sequence of edits with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  async function stateEntries() {
    return previousObjects(JSON.parse(await stack.exportedState())).map((o) => ({
      kind: o.kind,
      name: o.name,
      remote: o.keys[0] ?? "",
      subscriptionId: o.kind === "EventSubscription" ? String(o.outputs.subscriptionId) : undefined,
    }));
  }

  it(`holds over ${STEPS + 2} plans and applies`, async () => {
    const base = `${simulator.url}/webhooks`;
    const resource = {
      ...RESOURCE,
      policy: { template: "correspondence", recipients: { roles: ["DAGL"] } },
    };
    const world: World = initialWorld(base, { code: DEMO_ORG, number: DEMO_ORGNR }, resource);
    world.values = { ...selfServiceStackValues(simulator), ...world.values };
    const [edits] = fc.sample(
      fc.array(planEdits(base, { promote: false }), { minLength: STEPS, maxLength: STEPS }),
      { numRuns: 1, seed: 16 },
    );
    // Credentials from the environment: each step rewrites the stack file with no secret to set.
    // Then the rename of issue 16, which must be refused: a new name taking over the client_id.
    edits!.push(
      {
        label: "declare client ops",
        edit: (w) => {
          const clients = (
            (w.values.maskinportenClients as Array<Record<string, unknown>>) ?? []
          ).filter((c) => c.name !== "ops");
          clients.push({ name: "ops", clientName: "Ops", description: "Sends ops" });
          w.values.maskinportenClients = clients;
        },
      },
      {
        label: "rename ops to ops-renamed naming its client_id, without an alias",
        edit: (w) => {
          const held = w.state.find((e) => e.kind === "MaskinportenClient" && e.name === "ops");
          w.values.maskinportenClients = (
            w.values.maskinportenClients as Array<Record<string, unknown>>
          ).map((c) =>
            c.name === "ops" && held
              ? { ...c, name: "ops-renamed", clientId: held.remote.slice("client:".length) }
              : c,
          );
        },
      },
    );
    stack = await TestStack.create(
      { values: world.values },
      {
        ALTINN_IAC_MASKINPORTEN_PRIVATE_KEY: SELF_SERVICE_STACK_SECRETS.maskinportenPrivateKey,
        ALTINN_IAC_SELF_SERVICE_PRIVATE_KEY: SELF_SERVICE_STACK_SECRETS.selfServicePrivateKey,
      },
    );
    await stack.up();
    const outcomes: string[] = [];
    for (const { label, edit } of edits!) {
      world.state = (await stateEntries()).map(({ kind, name, remote }) => ({
        kind,
        name,
        remote,
      }));
      const before = structuredClone(world.values);
      edit(world);
      await stack.setConfig({ values: world.values });
      const since = lastSeq(simulator);
      const up = await stack.pulumi(["up", "--yes", "--skip-preview"]);
      outcomes.push(`${label}: ${up.code === 0 ? "applied" : "refused"}`);
      if (up.code !== 0) {
        expect(up.output).toMatch(/the plan is refused|the stack config is invalid/);
        world.values = before;
      }

      const held = await stateEntries();
      const heldIds = new Set(
        held.flatMap((e) =>
          e.kind === "MaskinportenClient" || e.kind === "MaskinportenClientKey"
            ? [`client ${e.remote.slice(e.remote.indexOf(":") + 1)}`]
            : [],
        ),
      );
      const deletes = simulator.calls.filter((c) => c.seq > since && c.method === "DELETE");
      for (const call of deletes) {
        const client = /\/clients\/([^/]+)/.exec(call.path)?.[1];
        if (client) expect([label, heldIds.has(`client ${client}`)]).toStrictEqual([label, false]);
      }
      const live = new Set([
        ...Object.keys(simulator.context.state.clients).map((id) => `client:${id}`),
        ...Object.values(simulator.context.state.subscriptions).map(subscriptionKey),
      ]);
      for (const entry of held) {
        if (entry.kind === "MaskinportenClient" || entry.kind === "EventSubscription") {
          expect([label, entry.name, live.has(entry.remote)]).toStrictEqual([
            label,
            entry.name,
            true,
          ]);
        }
      }
      const subscriptionIds = new Set(
        held.flatMap((e) => (e.subscriptionId ? [e.subscriptionId] : [])),
      );
      for (const call of deletes) {
        const subscription = /\/events\/api\/v1\/subscriptions\/(\d+)/.exec(call.path)?.[1];
        if (subscription) {
          expect([label, subscriptionIds.has(subscription)]).toStrictEqual([label, false]);
        }
      }
    }
    // The sequence exercised both outcomes, or it proves little.
    expect(outcomes.some((o) => o.endsWith("applied"))).toBe(true);
    expect(outcomes.at(-1)).toBe(
      "rename ops to ops-renamed naming its client_id, without an alias: refused",
    );
  });
});
