import { accessListImplementation } from "../../providers/access-list";
import { altinnResourceImplementation } from "../../providers/altinn-resource";
import type { ProviderImplementation } from "../../providers/lib/provider";
import { maskinportenClientImplementation } from "../../providers/maskinporten-client";
import { maskinportenClientKeyImplementation } from "../../providers/maskinporten-client-key";
import { resourceAccessListModeImplementation } from "../../providers/resource-access-list-mode";
import { resourcePolicyImplementation } from "../../providers/resource-policy";
import { demoContext, useSimulator } from "../support/simulator";

const resource = {
  identifier: "digdir-hostile",
  title: { nb: "T", nn: "T", en: "T" },
  description: { nb: "D", nn: "D", en: "D" },
  rightDescription: { nb: "R", nn: "R", en: "R" },
  contactPoints: [{ category: "Support", email: "a@b.no" }],
  hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
};
const TOO_LONG = (length: number) =>
  `the value is ${length} characters long, more than the 10000 allowed: shorten it (was a file pasted in by mistake?)`;
const CLIENT_ID =
  'clientId must be a client_id as Digdir gives it (letters, digits, ".", "_", ":" and "-"), such as a UUID: use the MaskinportenClient\'s clientId output';

/**
 * Hostile inputs reach `check` (preview) and are refused there, per property, before any call to
 * the APIs: not even a read goes out with a bad value in its path.
 */
const cases: Array<[string, ProviderImplementation, Record<string, unknown>, unknown[]]> = [
  [
    "a path traversal in the resource of an access-list mode",
    resourceAccessListModeImplementation,
    { resourceIdentifier: "../digdir-x", mode: "Enabled" },
    [
      {
        property: "resourceIdentifier",
        reason:
          'resourceIdentifier must be a resource identifier (lowercase a-z, 0-9, "_" and "-", at least 4 characters): the identifier of the resource to set the mode on',
      },
    ],
  ],
  [
    "a path traversal in a key's clientId",
    maskinportenClientKeyImplementation,
    { clientId: "../../clients" },
    [{ property: "clientId", reason: CLIENT_ID }],
  ],
  [
    "a query string in a key's clientId",
    maskinportenClientKeyImplementation,
    { clientId: "abc?x=1" },
    [{ property: "clientId", reason: CLIENT_ID }],
  ],
  [
    "a query string in a resource identifier",
    altinnResourceImplementation,
    { ...resource, identifier: "digdir-x?a=b" },
    [
      {
        property: "identifier",
        reason:
          '"digdir-x?a=b" is not a valid resource identifier: only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-x-a-b")',
      },
    ],
  ],
  [
    "a huge resource title",
    altinnResourceImplementation,
    { ...resource, title: { nb: "x".repeat(1_000_000), nn: "T", en: "T" } },
    [{ property: "title.nb", reason: TOO_LONG(1_000_000) }],
  ],
  [
    "a huge access list name",
    accessListImplementation,
    { owner: "digdir", identifier: "a-list", name: "n".repeat(100_000), members: [] },
    [{ property: "name", reason: TOO_LONG(100_000) }],
  ],
  [
    "a wrong type for a client's name and scopes",
    maskinportenClientImplementation,
    { clientName: 5, description: "d", scopes: "altinn:x" },
    [
      { property: "clientName", reason: "Invalid input: expected string, received number" },
      { property: "scopes", reason: "Invalid input: expected array, received string" },
    ],
  ],
  [
    "an external entity in policy text",
    resourcePolicyImplementation,
    {
      resourceId: "digdir-hostile",
      xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    },
    [
      {
        property: "",
        reason:
          "xml: a DOCTYPE is not allowed (the Resource Registry prohibits DTDs): the Resource Registry answers 500 to a policy it cannot parse; fix: correct the XML (the builder in policies/build.ts writes it the way Altinn reads it)",
      },
    ],
  ],
];

describe("check with hostile inputs", () => {
  const simulator = useSimulator();

  it.each(cases)("rejects %s before any call", async (_name, implementation, news, failures) => {
    const before = simulator().calls.length;
    const result = await implementation.check(demoContext(simulator()), {}, news);
    expect(result.failures).toStrictEqual(failures);
    expect(simulator().calls.slice(before)).toStrictEqual([]);
  });
});
