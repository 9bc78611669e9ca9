import { loadStackConfig } from "../../program/config";
import { registeredResources } from "../support/program";
import { base, cases, hostileCases } from "./broken-config-corpus";

describe("loadStackConfig with broken stack files", () => {
  it("has a corpus of at least 20 distinct cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const all = [...cases, ...hostileCases];
    expect(new Set(all.map(([, , message]) => message)).size).toBe(all.length);
  });

  it.each([...cases, ...hostileCases])(
    "rejects %s with its own message",
    (_name, config, message) => {
      expect(() => loadStackConfig(config)).toThrow(message);
      try {
        loadStackConfig(config);
      } catch (error) {
        expect((error as Error).message).toBe(message);
      }
    },
  );

  it("stops the program before any resource is registered", async () => {
    const [, config, message] = cases[7]!;
    await expect(registeredResources(config)).rejects.toThrow(message);
  });

  it("accepts a client to create named and described as an adopted one", () => {
    const clients = [
      { name: "sender", clientName: "x", description: "y" },
      { name: "adopted", clientName: "x", description: "y", clientId: "made-in-the-portal" },
    ];
    const loaded = loadStackConfig({
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify(clients),
    });
    expect(loaded.maskinportenClients.map((c) => c.name)).toStrictEqual(["sender", "adopted"]);
  });
});
