import { parsePolicyModel } from "../../policies/model";
import * as events from "../../providers/api/events";
import { eventSubscriptionImplementation as impl } from "../../providers/event-subscription";
import { admin } from "../support/access-lists";
import { seedResource, SUBSCRIBABLE_POLICY, webhook } from "../support/events";
import { demoContext, lastSeq, useSimulator, writes } from "../support/simulator";

/**
 * The EventSubscription implementation against the simulator: create sends only what Events
 * accepts for a non-app resource and waits (bounded) for the validation, a repeat takes over the
 * identical subscription, read sees it gone, delete tolerates 404, and a policy without the
 * owner's subscribe rule fails with the fix. What this does not prove: the engine's replace order
 * (see test/e2e/event-subscription.e2e.test.ts).
 */

const simulator = useSimulator();
const RESOURCE = "digdir-provider-events";
const URN = `urn:altinn:resource:${RESOURCE}`;
const PROVIDER = "(serialized provider)";

function context(warnings: string[] = []) {
  return demoContext(simulator(), { warn: (message) => warnings.push(message) });
}

function inputs(endPoint: string, extra: Record<string, unknown> = {}) {
  return {
    endPoint,
    resourceFilter: URN,
    validationWaitSeconds: 10,
    ...extra,
    __provider: PROVIDER,
  };
}

beforeAll(async () => {
  await seedResource(simulator(), RESOURCE, SUBSCRIBABLE_POLICY);
});

describe("EventSubscription check of a resource managed elsewhere", () => {
  it("fails a new subscription to a resource the registry does not hold, before any write", async () => {
    const since = lastSeq(simulator());
    const news = inputs(`${simulator().url}/webhooks/elsewhere`, {
      resourceFilter: "urn:altinn:resource:digdir-provider-evnets",
      lookUpResource: true,
    });
    expect(await impl.check(context(), {}, news)).toStrictEqual({
      inputs: news,
      failures: [
        {
          property: "resourceFilter",
          reason: `the Resource Registry (${simulator().url}) has no resource "digdir-provider-evnets", and the stack declares none by that name, so Events would refuse the subscription (403): check the identifier, or declare the resource under altinn-iac:resources`,
        },
      ],
    });
    expect(writes(simulator(), since)).toStrictEqual([]);
  });

  it("passes one the registry holds, and does not keep lookUpResource in the inputs", async () => {
    const news = inputs(`${simulator().url}/webhooks/elsewhere`, { lookUpResource: true });
    const checked = await impl.check(context(), {}, news);
    expect(checked.failures).toStrictEqual([]);
    expect(checked.inputs).not.toHaveProperty("lookUpResource");
    expect(checked.inputs!.resourceFilter).toBe(URN);
  });
});

describe("EventSubscription create", () => {
  it("posts only the endpoint and the filters, and returns validated once the endpoint answered", async () => {
    const endPoint = `${simulator().url}/webhooks/provider-create`;
    const since = lastSeq(simulator());
    const result = await impl.create(
      context(),
      inputs(endPoint, { typeFilter: "no.altinn.correspondence.correspondencereceiverread" }),
    );
    expect(
      writes(simulator(), since).map((c) => [c.method, c.path, JSON.parse(c.body) as unknown]),
    ).toStrictEqual([
      [
        "POST",
        "/events/api/v1/subscriptions",
        {
          endPoint,
          resourceFilter: URN,
          typeFilter: "no.altinn.correspondence.correspondencereceiverread",
        },
      ],
    ]);
    const stored = simulator().context.state.subscriptions[result.id]!;
    expect(result).toStrictEqual({
      id: String(stored.id),
      outs: {
        endPoint,
        resourceFilter: URN,
        typeFilter: "no.altinn.correspondence.correspondencereceiverread",
        validationWaitSeconds: 10,
        subscriptionId: stored.id,
        validated: true,
        consumer: "/org/digdir",
        created: stored.created,
      },
    });
  });

  it("waits for the validation of every subscription a run creates with reads of one list, not one read each", async () => {
    const ctx = context();
    const since = lastSeq(simulator());
    const results = await Promise.all(
      ["watch-1", "watch-2", "watch-3"].map((name) =>
        impl.create(ctx, inputs(`${simulator().url}/webhooks/${name}`)),
      ),
    );
    expect(results.map((r) => r.outs.validated)).toStrictEqual([true, true, true]);
    const reads = simulator()
      .calls.filter((c) => c.seq > since && c.method === "GET" && c.path.startsWith("/events/"))
      .map((c) => c.path);
    expect([...new Set(reads)]).toStrictEqual(["/events/api/v1/subscriptions"]);
    expect(reads.length).toBeLessThan(results.length);
  });

  it("does not judge a subscription by a list that was asked for before it was made", async () => {
    const ctx = context();
    const listSubscriptions = events.listSubscriptions;
    let second: ReturnType<typeof impl.create> | undefined;
    // The first poll's list is taken before the second subscription exists and answers after
    // the second create has joined the wait, as a slow answer would.
    const spy = jest.spyOn(events, "listSubscriptions").mockImplementationOnce(async (on) => {
      const before = await listSubscriptions(on);
      second = impl.create(ctx, inputs(`${simulator().url}/webhooks/watch-late`));
      await new Promise((resolve) => setTimeout(resolve, 150));
      return before;
    });
    try {
      const first = await impl.create(ctx, inputs(`${simulator().url}/webhooks/watch-early`));
      expect(first.outs.validated).toBe(true);
      expect((await second!).outs.validated).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it("takes over the identical subscription a failed earlier run made, instead of a twin", async () => {
    const endPoint = `${simulator().url}/webhooks/provider-twin`;
    const first = await impl.create(context(), inputs(endPoint));
    const count = Object.keys(simulator().context.state.subscriptions).length;
    const again = await impl.create(context(), inputs(endPoint));
    expect(again.id).toBe(first.id);
    expect(Object.keys(simulator().context.state.subscriptions)).toHaveLength(count);
  });

  it("returns validated false and warns, without the endpoint's query, when the endpoint does not answer 2xx", async () => {
    await admin(simulator(), "PUT", "/__admin/webhooks/provider-refuse", { status: 500 });
    const warnings: string[] = [];
    const result = await impl.create(
      context(warnings),
      inputs(`${simulator().url}/webhooks/provider-refuse?code=s3cret-key`, {
        validationWaitSeconds: 1,
      }),
    );
    expect((result.outs as { validated: boolean }).validated).toBe(false);
    expect(warnings).toStrictEqual([
      `subscription ${result.id} to ${URN} is not validated yet: Events delivers nothing until ${simulator().url}/webhooks/provider-refuse answers its platform.events.validatesubscription event with 2xx (Events retries for a while); \`pulumi refresh\` shows when it is`,
    ]);
    expect((await webhook(simulator(), "provider-refuse")).received.length).toBeGreaterThan(0);
  });

  it("fails with the rule to add when the resource's policy does not let the owner subscribe", async () => {
    await seedResource(
      simulator(),
      "digdir-provider-nosub",
      parsePolicyModel({ rules: [{ subjects: [{ org: "digdir" }], actions: ["write"] }] }),
    );
    await expect(
      impl.create(context(), {
        ...inputs("https://example.org/hook"),
        resourceFilter: "urn:altinn:resource:digdir-provider-nosub",
      }),
    ).rejects.toThrow(
      "Altinn Events: subscribe to urn:altinn:resource:digdir-provider-nosub failed (POST /events/api/v1/subscriptions -> 403): Not authorized to create a subscription for resource urn:altinn:resource:digdir-provider-nosub.\n" +
        '  fix: the policy of resource digdir-provider-nosub must let the service owner subscribe: add a rule { subjects: [{ org: "<your org code>" }], actions: ["subscribe"] } (the correspondence template has it), and give the EventSubscription dependsOn the ResourcePolicy',
    );
  });

  it("names the access lists, not only the policy, when the resource is in access-list mode", async () => {
    await seedResource(simulator(), "digdir-provider-alm", SUBSCRIBABLE_POLICY);
    const state = simulator().context.state;
    state.resources["digdir-provider-alm"]!.versions.at(-1)!.accessListMode = "Enabled";
    await expect(
      impl.create(context(), {
        ...inputs("https://example.org/hook"),
        resourceFilter: "urn:altinn:resource:digdir-provider-alm",
      }),
    ).rejects.toThrow(
      '  fix: resource digdir-provider-alm has accessListMode Enabled, so Altinn\'s PDP also asks its access lists: without subjectFilter the PDP has no party to look up, so it refuses: create the subscription while accessListMode is Disabled (the stack makes it before the switch; a replacement needs the mode Disabled for that up), or give a subjectFilter naming an organisation on a list connected to the resource, with actionFilters empty or containing "subscribe". Otherwise the policy of resource digdir-provider-alm must let the service owner subscribe',
    );
  });
});

describe("EventSubscription read and delete", () => {
  it("reads any number of subscriptions in one run (refresh) from one list", async () => {
    const made = await Promise.all(
      ["refresh-1", "refresh-2"].map((name) =>
        impl.create(context(), inputs(`${simulator().url}/webhooks/${name}`)),
      ),
    );
    const ctx = context();
    const since = lastSeq(simulator());
    const reads = await Promise.all(made.map((m) => impl.read!(ctx, m.id, m.outs)));
    expect(reads.map((r) => r.id)).toStrictEqual(made.map((m) => m.id));
    expect(
      simulator()
        .calls.filter((c) => c.seq > since && c.path.startsWith("/events/"))
        .map((c) => `${c.method} ${c.path}`),
    ).toStrictEqual(["GET /events/api/v1/subscriptions"]);
  });

  it("reads the live subscription as inputs, and nothing once it is gone", async () => {
    const endPoint = `${simulator().url}/webhooks/provider-read`;
    const created = await impl.create(
      context(),
      inputs(endPoint, { subjectFilter: "urn:altinn:organization:identifier-no:974760673" }),
    );
    const read = await impl.read(context(), created.id, created.outs as Record<string, unknown>);
    const expectedInputs = {
      endPoint,
      resourceFilter: URN,
      subjectFilter: "urn:altinn:organization:identifier-no:974760673",
      validationWaitSeconds: 10,
    };
    expect(read).toStrictEqual({ id: created.id, props: created.outs, inputs: expectedInputs });

    await admin(simulator(), "DELETE", `/__admin/subscriptions/${created.id}`);
    expect(
      await impl.read(context(), created.id, created.outs as Record<string, unknown>),
    ).toStrictEqual({});
  });

  it("deletes the subscription, and treats one already gone as deleted", async () => {
    const created = await impl.create(
      context(),
      inputs(`${simulator().url}/webhooks/provider-delete`),
    );
    const since = lastSeq(simulator());
    await impl.delete(context(), created.id, created.outs as Record<string, unknown>);
    await impl.delete(context(), created.id, created.outs as Record<string, unknown>);
    expect(simulator().context.state.subscriptions[created.id]).toBeUndefined();
    expect(
      simulator()
        .calls.filter((c) => c.seq > since && c.method === "DELETE")
        .map((c) => c.status),
    ).toStrictEqual([200, 404]);
  });
});
