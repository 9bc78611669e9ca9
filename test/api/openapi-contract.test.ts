import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import {
  altinnResourceImplementation as impl,
  altinnResourceInputsSchema,
} from "../../providers/altinn-resource";
import { demoContext, useSimulator } from "../support/simulator";

/**
 * What the tool sends is checked against Altinn's published OpenAPI documents
 * (contracts/openapi/), so a field the real server does not know (the schemas forbid additional
 * properties) fails here, not in tt02.
 */

const simulator = useSimulator();

function validatorFor(document: string, schema: string) {
  const openapi = JSON.parse(
    readFileSync(join(__dirname, "..", "..", "contracts", "openapi", document), "utf8"),
  ) as {
    components: { schemas: Record<string, unknown> };
  };
  // The published document lists some enums as bare integers (Swashbuckle without the enum-name
  // filter), while the server reads and writes their names (JsonStringEnumConverter) and Studio
  // sends names: such an enum accepts a name here too.
  for (const [name, schema] of Object.entries(openapi.components.schemas)) {
    const s = schema as { type?: string; enum?: unknown[] };
    if (s.type === "integer" && Array.isArray(s.enum)) {
      openapi.components.schemas[name] = { anyOf: [{ type: "string" }, schema] };
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ $id: "openapi", components: openapi.components });
  return ajv.compile({ $ref: `openapi#/components/schemas/${schema}` });
}

describe("requests against the Resource Registry OpenAPI document", () => {
  it("sends ServiceResource documents the schema accepts, for every optional field set", async () => {
    const validate = validatorFor("altinn-resource-registry-v1.json", "ServiceResource");
    const inputs = altinnResourceInputsSchema.parse({
      identifier: "digdir-openapi-1",
      title: { nb: "T", nn: "T", en: "T" },
      description: { nb: "D", nn: "D", en: "D" },
      rightDescription: { nb: "R", nn: "R", en: "R" },
      hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
      contactPoints: [{ category: "Support", email: "a@b.no" }],
      homepage: "https://example.org",
      isPartOf: "digdir",
      version: "1",
      keywords: [{ word: "melding", language: "nb" }],
      resourceReferences: [{ referenceSource: "Default", reference: "x", referenceType: "Uri" }],
      spatial: ["NO"],
      produces: ["melding"],
      thematicAreas: ["a"],
      authorizationReference: [{ id: "urn:x", value: "y" }],
      availableForType: ["Company", "PrivatePerson"],
    });
    const ctx = demoContext(simulator());
    await impl.create(ctx, inputs as unknown as Record<string, unknown>);
    const sent = simulator().calls.filter(
      (c) => c.method === "POST" && c.path === "/resourceregistry/api/v1/resource",
    );
    expect(sent).toHaveLength(1);
    const body: unknown = JSON.parse(sent[0]!.body);
    expect(validate(body) ? [] : validate.errors).toStrictEqual([]);
  });

  it("catches a field the server does not know", () => {
    const validate = validatorFor("altinn-resource-registry-v1.json", "ServiceResource");
    expect(
      validate({
        identifier: "x",
        title: {},
        description: {},
        contactPoints: [],
        hasCompetentAuthority: {},
        colour: "red",
      }),
    ).toBe(false);
  });
});
