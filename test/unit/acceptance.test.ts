import { parseArgs } from "../../acceptance/cli";
import { acceptanceSetups, prefixPattern, stackCollections } from "../../acceptance/setup";
import { loadStackConfig } from "../../program/config";

describe("the acceptance tier's names and arguments", () => {
  it("matches only names that start with the org's acceptance prefix and a run id", () => {
    const any = prefixPattern("digdir");
    const names = [
      "digdir-iacacc-0a1b2c3d-melding",
      "digdir-iacacc-0a1b2c3d-",
      "digdir-iacacc-melding",
      "digdir-iacacc-0A1B2C3D-melding",
      "digdir-iacacc-0a1b2c3-melding",
      "xdigdir-iacacc-0a1b2c3d-melding",
      "keep digdir-iacacc-0a1b2c3d-sender",
      "brg-iacacc-0a1b2c3d-melding",
    ];
    expect(names.filter((n) => any.test(n))).toStrictEqual([
      "digdir-iacacc-0a1b2c3d-melding",
      "digdir-iacacc-0a1b2c3d-",
    ]);
    expect(prefixPattern("digdir", "0a1b2c3d").test("digdir-iacacc-ffffffff-melding")).toBe(false);
  });

  it("declares setups the program accepts, every name with the run's prefix", () => {
    const { initial, changed } = acceptanceSetups({
      org: { code: "digdir", number: "991825827" },
      runId: "0a1b2c3d",
      endPoint: "https://example.org/events",
      members: ["310654321", "311987654"],
    });
    for (const setup of [initial, changed]) {
      const values = { environment: "test", org: { code: "digdir", number: "991825827" } };
      const config = Object.fromEntries(
        Object.entries({ ...values, ...stackCollections(setup) }).map(([k, v]) => [
          `altinn-iac:${k}`,
          JSON.stringify(v),
        ]),
      );
      const loaded = loadStackConfig(config);
      expect(loaded.resources.map((r) => r.identifier)).toStrictEqual([
        "digdir-iacacc-0a1b2c3d-melding",
      ]);
      expect(loaded.accessLists.map((l) => l.identifier)).toStrictEqual([
        "digdir-iacacc-0a1b2c3d-mottakere",
      ]);
      expect(loaded.maskinportenClients.map((c) => c.clientName)).toStrictEqual([
        "digdir-iacacc-0a1b2c3d-sender",
      ]);
    }
    expect(initial.list.members).toStrictEqual(["310654321"]);
    expect(changed.list.members).toStrictEqual(["310654321", "311987654"]);
  });

  it("reads its arguments and rejects unknown ones", () => {
    expect(parseArgs([])).toStrictEqual({ stack: "test", sweep: false, members: [] });
    expect(
      parseArgs(["--stack", "t", "--member", "310654321", "--endpoint", "https://e"]),
    ).toStrictEqual({ stack: "t", sweep: false, members: ["310654321"], endpoint: "https://e" });
    expect(parseArgs(["--sweep", "--help"])).toBe("help");
    expect(() => parseArgs(["--stack"])).toThrow("--stack needs a value");
    expect(() => parseArgs(["--stack", "--sweep"])).toThrow("--stack needs a value");
    expect(() => parseArgs(["--force"])).toThrow('unknown argument "--force"');
    expect(() => parseArgs(["--member", "31065432"])).toThrow(
      "--member 31065432 is not an organisation number (9 digits)",
    );
  });
});
