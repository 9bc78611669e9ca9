import {
  benchStackConfig,
  callKind,
  callRatio,
  changedConfig,
  excess,
  latencyFloorMs,
  minimumCalls,
  objectCount,
  tally,
  total,
  workloadOf,
} from "../../bench/workload";
import { loadStackConfig } from "../../program/config";

/** A token request's form body with a JWT grant carrying `scope` (the signature is not read). */
function tokenBody(scope: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const assertion = `${part({ alg: "RS256" })}.${part({ scope })}.signature`;
  return new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    assertion,
  }).toString();
}

describe("benchStackConfig", () => {
  it("makes exactly N objects in units of resource, policy, list, client, key and subscription", () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 100, 500]) {
      expect(objectCount(workloadOf(benchStackConfig(n)))).toBe(n);
    }
    expect(workloadOf(benchStackConfig(15, { membersPerList: 250 }))).toStrictEqual({
      resources: 4,
      policies: 3,
      accessLists: [
        { members: 250, connections: 1 },
        { members: 250, connections: 1 },
      ],
      clients: 2,
      keys: 2,
      subscriptions: 2,
    });
    expect(workloadOf(benchStackConfig(3))).toStrictEqual({
      resources: 2,
      policies: 1,
      accessLists: [],
      clients: 0,
      keys: 0,
      subscriptions: 0,
    });
  });

  it("points each unit's subscription at its resource and at the webhook receiver given", () => {
    const config = benchStackConfig(12, { webhookBaseUrl: "http://127.0.0.1:4000" });
    expect(config.subscriptions).toStrictEqual([
      {
        name: "bench-events-0",
        resource: "digdir-bench-0",
        endPoint: "http://127.0.0.1:4000/webhooks/bench-0",
      },
      {
        name: "bench-events-1",
        resource: "digdir-bench-1",
        endPoint: "http://127.0.0.1:4000/webhooks/bench-1",
      },
    ]);
  });

  it("gives every list members of its own and connects it to its unit's resource", () => {
    const config = benchStackConfig(12, { membersPerList: 2 });
    expect(config.accessLists).toStrictEqual([
      {
        identifier: "digdir-bench-list-0",
        name: "Bench recipients 0",
        description: "Recipients of digdir-bench-0",
        members: ["910000000", "910000001"],
        resources: [{ identifier: "digdir-bench-0", actionFilters: ["read"] }],
      },
      {
        identifier: "digdir-bench-list-1",
        name: "Bench recipients 1",
        description: "Recipients of digdir-bench-1",
        members: ["910000002", "910000003"],
        resources: [{ identifier: "digdir-bench-1", actionFilters: ["read"] }],
      },
    ]);
  });

  it("is a stack config the program accepts, with preflight off", () => {
    const config = benchStackConfig(14);
    const loaded = loadStackConfig({
      "altinn-iac:environment": "local",
      "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
      ...Object.fromEntries(
        Object.entries(config).map(([key, value]) => [`altinn-iac:${key}`, JSON.stringify(value)]),
      ),
    });
    expect(loaded.preflight).toBe(false);
    expect(loaded.resources.map((r) => r.identifier)).toStrictEqual([
      "digdir-bench-0",
      "digdir-bench-1",
      "digdir-bench-2",
    ]);
    expect(loaded.maskinportenClients.map((c) => c.name)).toStrictEqual([
      "bench-sender-0",
      "bench-sender-1",
    ]);
    expect(loaded.subscriptions.map((c) => c.name)).toStrictEqual([
      "bench-events-0",
      "bench-events-1",
    ]);
  });

  it("rejects a number of objects below one", () => {
    expect(() => benchStackConfig(0)).toThrow(
      "the number of objects must be a whole number of at least 1 (got 0)",
    );
  });
});

describe("changedConfig", () => {
  it("changes only the first resource's English title", () => {
    const config = benchStackConfig(6);
    const changed = changedConfig(config);
    expect(changed.resources[0]!.title).toStrictEqual({
      nb: "Benkmelding digdir-bench-0",
      nn: "Benkmelding digdir-bench-0",
      en: "digdir-bench-0 (changed)",
    });
    expect({ ...changed, resources: changed.resources.slice(1) }).toStrictEqual({
      ...config,
      resources: config.resources.slice(1),
    });
  });
});

describe("callKind", () => {
  it("names each API's objects by method", () => {
    const kinds = [
      ["POST", "/resourceregistry/api/v1/resource"],
      ["GET", "/resourceregistry/api/v1/resource/digdir-bench-0"],
      ["GET", "/resourceregistry/api/v1/resource/resourcelist"],
      ["GET", "/resourceregistry/api/v1/access-lists/digdir"],
      ["GET", "/resourceregistry/api/v1/resource/digdir-bench-0/policy"],
      ["GET", "/resourceregistry/api/v1/access-lists/digdir/l"],
      ["POST", "/resourceregistry/api/v1/access-lists/digdir/l/members"],
      ["PUT", "/resourceregistry/api/v1/access-lists/digdir/l/resource-connections/r"],
      ["GET", "/resourceregistry/api/v1/access-lists/digdir/l/resource-connections"],
      ["POST", "/selfservice/api/v1/clients"],
      ["GET", "/selfservice/api/v1/clients/abc/jwks"],
      ["GET", "/selfservice/api/v1/scopes/access/all"],
      ["POST", "/events/api/v1/subscriptions"],
      ["GET", "/events/api/v1/subscriptions"],
      ["GET", "/events/api/v1/subscriptions/7"],
      ["GET", "/authentication/api/v1/exchange/maskinporten"],
    ].map(([method, path]) => callKind({ method: method!, path: path!, body: "" }));
    expect(kinds).toStrictEqual([
      "POST resource",
      "GET resource",
      "GET resource list",
      "GET access-list list",
      "GET policy",
      "GET access-list",
      "POST access-list members",
      "PUT access-list connections",
      "GET access-list connections",
      "POST client",
      "GET client keys",
      "GET scope access",
      "POST subscriptions",
      "GET subscriptions",
      "GET subscription",
      "exchange",
    ]);
  });

  it("names a token request by the scope set of its grant, sorted", () => {
    expect(
      callKind({ method: "POST", path: "/maskinporten/token", body: tokenBody("b:two a:one") }),
    ).toBe("token a:one b:two");
    expect(callKind({ method: "POST", path: "/maskinporten/token", body: "" })).toBe("token ?");
  });
});

describe("tally", () => {
  it("counts calls by kind, kinds sorted", () => {
    const get = { method: "GET", path: "/resourceregistry/api/v1/resource/x", body: "" };
    const exchange = { method: "GET", path: "/authentication/api/v1/exchange/x", body: "" };
    expect(tally([get, exchange, get])).toStrictEqual({ exchange: 1, "GET resource": 2 });
  });

  it("leaves out what Events delivers to the webhook receiver", () => {
    const delivery = { method: "POST", path: "/webhooks/bench-0", body: "{}" };
    const get = { method: "GET", path: "/resourceregistry/api/v1/resource/x", body: "" };
    expect(tally([delivery, get])).toStrictEqual({ "GET resource": 1 });
  });
});

describe("minimumCalls", () => {
  const workload = workloadOf(benchStackConfig(15, { membersPerList: 150 }));

  it("is one write per object, a write per connection and per 100 members, and a token per scope set on up", () => {
    expect(minimumCalls("up", workload, { checks: false })).toStrictEqual({
      exchange: 3,
      "POST access-list members": 4,
      "POST client": 2,
      "POST client keys": 2,
      "POST policy": 3,
      "POST resource": 4,
      "POST subscriptions": 2,
      "PUT access-list": 2,
      "PUT access-list connections": 2,
      "token altinn:events.subscribe altinn:serviceowner": 1,
      "token altinn:resourceregistry/accesslist.write": 1,
      "token altinn:resourceregistry/resource.write": 1,
      "token idporten:dcr.read idporten:dcr.write": 1,
    });
  });

  it("adds up's promised reads, a fixed number per run, with their tokens", () => {
    const physical = minimumCalls("up", workload, { checks: false });
    expect(minimumCalls("up", workload)).toStrictEqual({
      ...physical,
      "GET access-list list": 1,
      "GET resource list": 1,
      "GET scope access": 1,
      "GET subscriptions": 2,
    });
    expect(total(minimumCalls("up", workloadOf(benchStackConfig(600))))).toBe(
      total(minimumCalls("up", workloadOf(benchStackConfig(600)), { checks: false })) + 5,
    );
    const nothingCreated = {
      ...workload,
      resources: 0,
      policies: 0,
      accessLists: [],
      clients: 0,
      keys: 0,
      subscriptions: 0,
    };
    expect(minimumCalls("up", nothingCreated)).toStrictEqual(
      minimumCalls("up", nothingCreated, { checks: false }),
    );
  });

  it("is nothing on a no-op up and on preview", () => {
    expect(minimumCalls("noop-up", workload)).toStrictEqual({});
    expect(minimumCalls("preview", workload)).toStrictEqual({});
  });

  it("is one read per object and per member page on refresh, with no token for public reads", () => {
    expect(minimumCalls("refresh", workload)).toStrictEqual({
      exchange: 2,
      "GET access-list": 2,
      "GET access-list connections": 2,
      "GET access-list members": 4,
      "GET client": 2,
      "GET client keys": 2,
      "GET policy": 3,
      "GET resource": 4,
      "GET subscription": 2,
      "token altinn:events.subscribe altinn:serviceowner": 1,
      "token altinn:resourceregistry/accesslist.write": 1,
      "token idporten:dcr.read idporten:dcr.write": 1,
    });
  });

  it("reads one member page of an empty list on refresh", () => {
    const empty = workloadOf(benchStackConfig(6, { membersPerList: 0 }));
    expect(minimumCalls("refresh", empty)["GET access-list members"]).toBe(1);
    expect(minimumCalls("up", empty)["POST access-list members"]).toBeUndefined();
  });

  it("is one PUT and one token pair for the one-field change", () => {
    expect(minimumCalls("change", workload)).toStrictEqual({
      exchange: 1,
      "PUT resource": 1,
      "token altinn:resourceregistry/resource.write": 1,
    });
  });
});

describe("callRatio and excess", () => {
  it("divides calls by the minimum, and has no ratio for calls where none are needed", () => {
    expect(callRatio(21, 20)).toBe(1.05);
    expect(callRatio(0, 0)).toBe(1);
    expect(callRatio(3, 0)).toBeNull();
  });

  it("lists the kinds over their minimum", () => {
    expect(
      excess(
        { "GET resource": 4, "PUT resource": 1, exchange: 1 },
        { "PUT resource": 1, exchange: 2 },
      ),
    ).toStrictEqual([{ kind: "GET resource", calls: 4, minimum: 0 }]);
  });
});

describe("latencyFloorMs", () => {
  it("is the token and its exchange in a row, then the other calls so many at a time", () => {
    const minimum = {
      "GET resource": 10,
      "GET client": 7,
      exchange: 1,
      "token altinn:resourceregistry/resource.write": 1,
      "token idporten:dcr.read idporten:dcr.write": 1,
    };
    // 50 ms x (token + exchange + ceil(17 / 8) = 3 rounds of reads)
    expect(latencyFloorMs(minimum, 50, 8)).toBe(250);
    expect(latencyFloorMs({}, 50, 8)).toBe(0);
    expect(latencyFloorMs({ "PUT resource": 1 }, 50, 8)).toBe(50);
  });
});
