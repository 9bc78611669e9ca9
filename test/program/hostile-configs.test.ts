import { loadStackConfig } from "../../program/config";

const base = {
  "altinn-iac:environment": "test",
  "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
};
const resource = {
  identifier: "digdir-melding",
  title: { nb: "T", nn: "T", en: "T" },
  description: { nb: "D", nn: "D", en: "D" },
  rightDescription: { nb: "R", nn: "R", en: "R" },
  contactPoints: [{ category: "Support", email: "a@b.no" }],
};
const TOO_LONG =
  "the value is 200000 characters long, more than the 10000 allowed: shorten it (was a file pasted in by mistake?)";

/**
 * Hostile values in a stack file (URL injection in identifiers, huge strings, wrong types): the
 * program stops with a message naming the key and the fix, before any resource is registered.
 */
const hostile: Array<[string, Record<string, string>, string]> = [
  [
    "a path traversal in a resource identifier",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, identifier: "../digdir-x" }]),
    },
    'altinn-iac:resources.0.identifier: "../digdir-x" is not a valid resource identifier: only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "-digdir-x")',
  ],
  [
    "a query string in a resource identifier",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, identifier: "digdir-x?x=1" }]),
    },
    'altinn-iac:resources.0.identifier: "digdir-x?x=1" is not a valid resource identifier: only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-x-x-1")',
  ],
  [
    "a path traversal in an access list identifier",
    {
      ...base,
      "altinn-iac:accessLists": JSON.stringify([
        { identifier: "../x", name: "n", members: [], resources: [] },
      ]),
    },
    'altinn-iac:accessLists.0.identifier: "../x" is not a valid access list identifier: use lowercase a-z, 0-9, "-" and "_", starting with a letter or digit (for example "x")',
  ],
  [
    "a query string in a member",
    {
      ...base,
      "altinn-iac:accessLists": JSON.stringify([
        { identifier: "x-list", name: "n", members: ["991825827?x"], resources: [] },
      ]),
    },
    'altinn-iac:accessLists.0.members.0: "991825827?x" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"',
  ],
  [
    "a path in the org code",
    { ...base, "altinn-iac:org": JSON.stringify({ code: "digdir/../x", number: "991825827" }) },
    'altinn-iac:org.code: the org code is the service owner\'s lowercase Altinn code, such as digdir (got "digdir/../x")',
  ],
  [
    "a huge resource title",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, title: { nb: "x".repeat(200_000), nn: "T", en: "T" } },
      ]),
    },
    `altinn-iac:resources.0.title.nb: ${TOO_LONG}`,
  ],
  [
    "a huge client name",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        { name: "a", clientName: "c".repeat(200_000), description: "d", scopes: [] },
      ]),
    },
    `altinn-iac:maskinportenClients.0.clientName: ${TOO_LONG}`,
  ],
  [
    "scopes as a string",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        { name: "a", clientName: "c", description: "d", scopes: "altinn:x" },
      ]),
    },
    'altinn-iac:maskinportenClients.0.scopes: expected a list (such as [a, b], or one `- item` per line in YAML) (got "altinn:x")',
  ],
  [
    "resources as a number",
    { ...base, "altinn-iac:resources": "42" },
    "altinn-iac:resources: expected a list (such as [a, b], or one `- item` per line in YAML) (got 42)",
  ],
];

describe("loadStackConfig with hostile values", () => {
  it.each(hostile)("rejects %s", (_name, config, problem) => {
    expect(() => loadStackConfig(config)).toThrow(
      new Error(`the stack config is invalid:\n  ${problem}`),
    );
  });

  it("accepts a policy document longer than a text value", () => {
    const rules = Array.from({ length: 600 }, (_, i) => `<!-- rule ${i} -->`).join("");
    const config = {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, policy: { xml: `<x>${rules}</x>` } }]),
    };
    const policy = loadStackConfig(config).resources[0]!.policy as { xml: string };
    expect(policy.xml).toBe(`<x>${rules}</x>`);
  });
});
