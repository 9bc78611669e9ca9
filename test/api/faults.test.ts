import { FaultInjector } from "../../simulator/faults";
import { CachedTokens } from "../../providers/auth/tokens";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { startSimulator, type Simulator } from "../../simulator/server";
import { DEMO_CLIENT_ID, DEMO_KEY_ID, DEMO_PRIVATE_KEY } from "../support/simulator";

describe("FaultInjector", () => {
  it("draws the same faults for the same seed", () => {
    const draw = (seed: number) => {
      const injector = new FaultInjector({ seed, rate: 0.3 });
      return Array.from(
        { length: 200 },
        () => injector.decide("/resourceregistry/api/v1/resource/x").kind,
      );
    };
    expect(draw(7)).toStrictEqual(draw(7));
    expect(draw(7)).not.toStrictEqual(draw(8));
  });

  it("injects close to the configured rate", () => {
    const injector = new FaultInjector({ seed: 1, rate: 0.2 });
    const faults = Array.from({ length: 5000 }, () => injector.decide("/x")).filter(
      (d) => d.kind !== "none",
    ).length;
    expect(faults / 5000).toBeGreaterThan(0.18);
    expect(faults / 5000).toBeLessThan(0.22);
  });

  it("uses each API's own rate and kinds, the longest prefix first", () => {
    const injector = new FaultInjector({
      seed: 1,
      rate: 0,
      perApi: {
        "/selfservice/": { rate: 1, kinds: ["503"] },
        "/selfservice/api/v1/clients/x/jwks": { rate: 1, kinds: ["reset"] },
      },
    });
    expect(injector.decide("/resourceregistry/api/v1/resource/x")).toStrictEqual({ kind: "none" });
    expect(injector.decide("/selfservice/api/v1/clients")).toStrictEqual({
      kind: "status",
      status: 503,
      headers: {},
    });
    expect(injector.decide("/selfservice/api/v1/clients/x/jwks")).toStrictEqual({ kind: "reset" });
  });

  it("leaves paths outside the plan alone", () => {
    const injector = new FaultInjector({ seed: 1, rate: 1, paths: ["/events/"] });
    expect(injector.decide("/resourceregistry/api/v1/resource/x")).toStrictEqual({ kind: "none" });
    expect(injector.decide("/events/api/v1/subscriptions").kind).not.toBe("none");
  });
});

describe("the simulator under faults", () => {
  let simulator: Simulator;
  beforeEach(async () => {
    simulator = await startSimulator();
  });
  afterEach(async () => simulator.close());

  async function setFaults(plan: object) {
    await fetch(`${simulator.url}/__admin/faults`, { method: "POST", body: JSON.stringify(plan) });
  }

  it("answers 429 with Retry-After", async () => {
    await setFaults({ seed: 1, rate: 1, kinds: ["429"], retryAfterSeconds: 3 });
    const response = await fetch(`${simulator.url}/resourceregistry/api/v1/resource/orgs`);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(simulator.calls.map((c) => c.status)).toStrictEqual([429]);
  });

  it("drops the connection", async () => {
    await setFaults({ seed: 1, rate: 1, kinds: ["reset"] });
    await expect(fetch(`${simulator.url}/resourceregistry/api/v1/resource/orgs`)).rejects.toThrow(
      "fetch failed",
    );
  });

  it("handles the call but loses the answer", async () => {
    const token = await new CachedTokens(simulatorEndpoints(simulator.url), () => ({
      clientId: DEMO_CLIENT_ID,
      keyId: DEMO_KEY_ID,
      privateKey: DEMO_PRIVATE_KEY,
    })).altinnToken(["altinn:resourceregistry/resource.write"]);
    await setFaults({ seed: 1, rate: 1, kinds: ["lost-response"] });
    const created = fetch(`${simulator.url}/resourceregistry/api/v1/resource`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        identifier: "digdir-lost",
        title: { nb: "T", nn: "T", en: "T" },
        description: { nb: "D", nn: "D", en: "D" },
        rightDescription: { nb: "R", nn: "R", en: "R" },
        resourceType: "CorrespondenceService",
        hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
        contactPoints: [],
      }),
    });
    await expect(created).rejects.toThrow("fetch failed");
    expect(simulator.context.state.resources["digdir-lost"]?.versions).toHaveLength(1);
    expect(simulator.calls.at(-1)).toMatchObject({
      path: "/resourceregistry/api/v1/resource",
      status: 0,
    });
  });

  it("hides a new object from the next reads", async () => {
    await setFaults({ seed: 1, rate: 0, hideNewForReads: 2 });
    simulator.context.faults!.created("/resourceregistry/api/v1/resource/digdir-x");
    await fetch(`${simulator.url}/__admin/resources/digdir-x`, {
      method: "PUT",
      body: JSON.stringify({ title: {} }),
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await fetch(`${simulator.url}/resourceregistry/api/v1/resource/digdir-x`)).status,
      );
    }
    expect(statuses).toStrictEqual([404, 404, 200]);
  });
});
