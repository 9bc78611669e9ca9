import { startSimulator, type Simulator } from "../../simulator/server";

/** The simulator's reset wipes every org's objects, so it is done only when asked for by name. */
describe("POST /__admin/reset", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(async () => simulator.close());

  it("refuses without confirm=all, keeping the state, and resets with it", async () => {
    const stateOf = async () =>
      (await (await fetch(`${simulator.url}/__admin/state`)).json()) as {
        policies: Record<string, string>;
      };
    const before = await stateOf();
    simulator.context.state.policies["digdir-kept"] = "<policy/>";

    const refused = await fetch(`${simulator.url}/__admin/reset`, { method: "POST" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe(
      "a reset wipes every object of every org in this simulator, and its persisted state: POST /__admin/reset?confirm=all to do that",
    );
    expect((await stateOf()).policies["digdir-kept"]).toBe("<policy/>");

    const done = await fetch(`${simulator.url}/__admin/reset?confirm=all`, { method: "POST" });
    expect(done.status).toBe(204);
    const after = await stateOf();
    expect(after.policies).toStrictEqual(before.policies);
    expect(after.policies["digdir-kept"]).toBeUndefined();
  });
});
