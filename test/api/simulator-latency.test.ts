import { useSimulator } from "../support/simulator";

const LATENCY_MS = 300;
const simulator = useSimulator({ latencyMs: LATENCY_MS });

/**
 * The simulator's latency option (benchmarks use it to make round trips cost what they cost over
 * a network). Only the lower bound is checked: how much later a busy machine answers is not.
 */
describe("the simulator's latency option", () => {
  it("answers an API call no sooner than the configured latency, and logs it as usual", async () => {
    const started = Date.now();
    const response = await fetch(
      `${simulator().url}/resourceregistry/api/v1/resource/digdir-no-such-resource`,
    );
    expect(response.status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(simulator().calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toStrictEqual([
      "GET /resourceregistry/api/v1/resource/digdir-no-such-resource 404",
    ]);
  });
});
