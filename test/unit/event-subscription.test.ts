import {
  eventSubscriptionImplementation as impl,
  toSubscriptionRequest,
  type EventSubscriptionInputs,
} from "../../providers/event-subscription";
import { UNKNOWN } from "../../providers/lib/check";
import type { ProviderContext } from "../../providers/lib/context";
import type { EnvironmentName } from "../../providers/lib/environments";

/** Pure logic of the EventSubscription provider: check, diff and the request it sends. */

const PROVIDER = "(serialized provider)";
const URN = "urn:altinn:resource:digdir-melding";

function ctxIn(environment: EnvironmentName): ProviderContext {
  return { settings: { environment } } as ProviderContext;
}

function check(news: Record<string, unknown>, environment: EnvironmentName = "test") {
  // Old inputs (a subscription the stack has): check validates without looking for an identical
  // live subscription, so no call is made.
  return impl.check(
    ctxIn(environment),
    { endPoint: "https://old.example" },
    { ...news, __provider: PROVIDER },
  );
}

describe("EventSubscription check", () => {
  it("fills in the default validation wait and keeps only the given filters", async () => {
    const result = await check({
      endPoint: "https://example.org/altinn/events",
      resourceFilter: URN,
      typeFilter: "no.altinn.correspondence.correspondencereceiverread",
    });
    expect(result).toStrictEqual({
      inputs: {
        endPoint: "https://example.org/altinn/events",
        resourceFilter: URN,
        typeFilter: "no.altinn.correspondence.correspondencereceiverread",
        validationWaitSeconds: 30,
        __provider: PROVIDER,
      },
      failures: [],
    });
  });

  it.each<[string, EnvironmentName, string]>([
    [
      "http://example.org/hook",
      "test",
      "http://example.org/hook must use https: Altinn Events pushes events only to https endpoints with a publicly trusted certificate (http is allowed only to a loopback host in the local stack)",
    ],
    [
      "http://127.0.0.1:5055/webhooks/demo?code=secret",
      "prod",
      "http://127.0.0.1:5055/webhooks/demo is a loopback address, which Altinn Events in the prod environment cannot reach: give a public https URL (http to 127.0.0.1 is only for the local simulator)",
    ],
    [
      "example.org/hook",
      "test",
      '"example.org/hook" is not an absolute URL: give the https URL Events should POST the events to, such as "https://example.org/altinn/events"',
    ],
  ])(
    "rejects the endPoint %s in %s, saying why and what to give",
    async (endPoint, env, reason) => {
      const result = await check({ endPoint, resourceFilter: URN }, env);
      expect(result.failures).toStrictEqual([{ property: "endPoint", reason }]);
    },
  );

  it("accepts http to a loopback host in the local stack only", async () => {
    const local = await check(
      { endPoint: "http://127.0.0.1:5055/webhooks/demo", resourceFilter: URN },
      "local",
    );
    expect(local.failures).toStrictEqual([]);
  });

  it.each([
    [
      "digdir-melding",
      '"digdir-melding" is not a resource URN: write urn:altinn:resource:<resource identifier>, such as "urn:altinn:resource:digdir-melding" (an AltinnResource\'s resourceUrn output)',
    ],
    [
      "urn:altinn:resource:Digdir Melding",
      '"Digdir Melding" is not a resource identifier (lowercase a-z, 0-9, "_" and "-", at least 4 characters), so Events would refuse the filter: write "urn:altinn:resource:digdir-melding"',
    ],
    [
      "urn:altinn:resource:app_digdir_melding",
      '"urn:altinn:resource:app_digdir_melding" is an Altinn app: app subscriptions need a sourceFilter, which EventSubscription does not manage; subscribe to a resource such as a correspondence resource',
    ],
  ])("rejects the resourceFilter %s with the fix", async (resourceFilter, reason) => {
    const result = await check({ endPoint: "https://example.org/hook", resourceFilter });
    expect(result.failures).toStrictEqual([{ property: "resourceFilter", reason }]);
  });

  it.each([
    [
      "no.altinn.correspondence.correspondencereciverread",
      '"no.altinn.correspondence.correspondencereciverread" is not an event type Correspondence publishes, so the subscription would receive nothing: did you mean "no.altinn.correspondence.correspondencereceiverread"?',
    ],
    [
      "app.correspondence.correspondencepublished",
      '"app.correspondence.correspondencepublished" is not an event type Correspondence publishes, so the subscription would receive nothing: did you mean "no.altinn.correspondence.correspondencepublished"?',
    ],
    ["", "an empty typeFilter matches no event: leave it out to receive every event type"],
  ])("rejects the typeFilter %j with the fix", async (typeFilter, reason) => {
    const result = await check({
      endPoint: "https://example.org/hook",
      resourceFilter: URN,
      typeFilter,
    });
    expect(result.failures).toStrictEqual([{ property: "typeFilter", reason }]);
  });

  it("accepts event types of other publishers as given", async () => {
    const result = await check({
      endPoint: "https://example.org/hook",
      resourceFilter: URN,
      typeFilter: "no.altinn.dialogporten.dialog.created",
    });
    expect(result.failures).toStrictEqual([]);
  });

  it("rejects sourceFilter and alternativeSubjectFilter, which Events refuses for non-app resources", async () => {
    const result = await check({
      endPoint: "https://example.org/hook",
      resourceFilter: URN,
      sourceFilter: "https://digdir.apps.altinn.no/digdir/melding",
      alternativeSubjectFilter: "/organisation/974760673",
    });
    expect(result.failures).toStrictEqual(
      ["sourceFilter", "alternativeSubjectFilter"].map((key) => ({
        property: key,
        reason: `${key} is for Altinn app subscriptions; Events refuses it (400) for any other resource, such as a correspondence resource: remove it (resourceFilter names the resource)`,
      })),
    );
  });

  it("checks the known properties in preview while the resource URN is still unknown", async () => {
    const unknownResource = await check({
      endPoint: "https://example.org/hook",
      resourceFilter: UNKNOWN,
    });
    expect(unknownResource.failures).toStrictEqual([]);
    const badEndPoint = await check({
      endPoint: "ftp://example.org/hook",
      resourceFilter: UNKNOWN,
    });
    expect(badEndPoint.failures?.map((f) => f.property)).toStrictEqual(["endPoint"]);
  });

  it("rejects an unknown property, naming the one meant", async () => {
    const result = await check({ endpoint: "https://example.org/hook", resourceFilter: URN });
    expect(result.failures).toStrictEqual([
      { property: "endPoint", reason: "Invalid input: expected string, received undefined" },
      { property: "endpoint", reason: 'unknown property "endpoint": did you mean "endPoint"?' },
    ]);
  });
});

describe("EventSubscription diff", () => {
  const old: EventSubscriptionInputs = {
    endPoint: "https://example.org/hook",
    resourceFilter: URN,
    typeFilter: "no.altinn.correspondence.correspondencepublished",
    validationWaitSeconds: 30,
  };

  it.each<[string, Partial<EventSubscriptionInputs>]>([
    ["typeFilter", { typeFilter: "no.altinn.correspondence.correspondencereceiverread" }],
    ["typeFilter", { typeFilter: undefined }],
    ["endPoint", { endPoint: "https://example.org/other" }],
    ["subjectFilter", { subjectFilter: "urn:altinn:organization:identifier-no:974760673" }],
    ["resourceFilter", { resourceFilter: "urn:altinn:resource:digdir-annen" }],
  ])("replaces the subscription when %s changes (Events has no update)", async (field, change) => {
    const result = await impl.diff(ctxIn("test"), "7", { ...old }, { ...old, ...change });
    expect(result).toStrictEqual({ changes: true, replaces: [field] });
  });

  it("updates in place when only the validation wait changes", async () => {
    const result = await impl.diff(
      ctxIn("test"),
      "7",
      { ...old },
      { ...old, validationWaitSeconds: 5 },
    );
    expect(result).toStrictEqual({ changes: true, replaces: [] });
  });

  it("reports no change for the same inputs", async () => {
    const result = await impl.diff(
      ctxIn("test"),
      "7",
      { ...old, __provider: "a" },
      { ...old, __provider: "b" },
    );
    expect(result).toStrictEqual({ changes: false, replaces: [] });
  });
});

describe("EventSubscription request", () => {
  it("sends the endpoint, the resource and only the filters that are set", () => {
    expect(
      toSubscriptionRequest({
        endPoint: "https://example.org/hook",
        resourceFilter: URN,
        validationWaitSeconds: 0,
      }),
    ).toStrictEqual({ endPoint: "https://example.org/hook", resourceFilter: URN });
  });
});
