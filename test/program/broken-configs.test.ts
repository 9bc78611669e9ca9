import { configWarnings, loadStackConfig } from "../../program/config";
import { registeredResources } from "../support/program";
import { base, cases, hostileCases, resource } from "./broken-config-corpus";

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

  it.each(cases)(
    "stops the program on %s before any resource is registered",
    async (_name, config, message) => {
      await expect(registeredResources(config)).rejects.toThrow(message);
    },
  );

  it("warns, without stopping, about a 137-character identifier", () => {
    const identifier = `digdir-${"x".repeat(130)}`;
    const config = loadStackConfig({
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, identifier }]),
    });
    expect(configWarnings(config)).toStrictEqual([
      `altinn-iac:resources.0.identifier: "${identifier}" is 137 characters long: Altinn writes it in full in every URN, policy and message people see, so shorten it to a few words, such as "digdir-melding"`,
    ]);
  });

  it("accepts the contact points people write, and empty fields", () => {
    const contactPoints = [
      { category: "Support", email: "post@digdir.no", telephone: "+47 22 45 10 00" },
      {
        category: "Web",
        contactPage: "https://www.digdir.no/kontakt",
        telephone: "(+47) 800-12.345",
      },
      { category: "Studio", email: "", telephone: "", contactPage: "" },
      { category: "Two", email: "a@nav.no; b@nav.no", telephone: "22 00 00 00 (hverdager 08-15)" },
    ];
    const config = loadStackConfig({
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, contactPoints }]),
    });
    expect(config.resources[0]!.contactPoints).toStrictEqual(contactPoints);
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
