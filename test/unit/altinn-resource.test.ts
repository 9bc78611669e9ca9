import {
  altinnResourceImplementation as impl,
  altinnResourceInputsSchema,
  fromServiceResourceDto,
  toServiceResourceDto,
  validateResource,
  type AltinnResourceInputs,
} from "../../providers/altinn-resource";
import { UNKNOWN } from "../../providers/lib/check";
import type { ProviderContext } from "../../providers/lib/context";

/** check and diff use no context: they never call a remote API. */
const noContext = {} as ProviderContext;

const spec = {
  identifier: "digdir-melding",
  title: { nb: "Melding", nn: "Melding", en: "Message" },
  description: { nb: "Beskrivelse", nn: "Skildring", en: "Description" },
  rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
  hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
  contactPoints: [{ category: "Support", email: "support@example.org" }],
};

function parsed(overrides: Record<string, unknown> = {}): AltinnResourceInputs {
  return altinnResourceInputsSchema.parse({ ...spec, ...overrides });
}

describe("altinnResourceInputsSchema", () => {
  it("fills the server's defaults", () => {
    expect(parsed()).toStrictEqual({
      ...spec,
      contactPoints: [
        { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
      ],
      resourceType: "CorrespondenceService",
      status: "Completed",
      delegable: true,
      visible: true,
      accessListMode: "Disabled",
      selfIdentifiedUserEnabled: false,
      enterpriseUserEnabled: false,
      keywords: [],
      resourceReferences: [],
    });
  });
});

describe("validateResource", () => {
  it("accepts a complete correspondence resource", () => {
    expect(validateResource(parsed())).toStrictEqual([]);
  });

  it.each([
    [
      "App_X",
      'only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-x")',
    ],
    [
      "abc",
      'only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-abc")',
    ],
    [
      "digdir melding",
      'only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-melding")',
    ],
  ])("rejects the identifier %s with a suggestion", (identifier, tail) => {
    expect(validateResource(parsed({ identifier }))).toStrictEqual([
      {
        property: "identifier",
        reason: `"${identifier}" is not a valid resource identifier: ${tail}`,
      },
    ]);
  });

  it("names language keys other than nb, nn and en, and the type Default, which older documents hold", () => {
    const older = parsed({
      description: { nb: "B", nn: "S", en: "D", "nb-NO": "B" },
      resourceType: "Default",
    });
    expect(validateResource(older)).toStrictEqual([
      {
        property: "description.nb-NO",
        reason: '"nb-NO" is not a language key Altinn Studio writes: use nb, nn and en',
      },
      {
        property: "resourceType",
        reason:
          "Default is what the registry stores for a resource that names no type: choose one, such as CorrespondenceService",
      },
    ]);
  });

  it("rejects the reserved app_ and se_ prefixes", () => {
    expect(validateResource(parsed({ identifier: "app_digdir_x" }))).toStrictEqual([
      {
        property: "identifier",
        reason:
          '"app_digdir_x": the prefix app_ is reserved for Altinn Studio apps; choose an identifier such as "digdir-digdir_x"',
      },
    ]);
    expect(validateResource(parsed({ identifier: "se_1234" }))).toStrictEqual([
      {
        property: "identifier",
        reason:
          '"se_1234": the prefix se_ is reserved for Altinn 2 service-engine resources; choose another identifier',
      },
    ]);
  });

  it("names each missing language of title, description and rightDescription", () => {
    const failures = validateResource(
      parsed({
        title: { nb: "T", en: " " },
        description: { nb: "D", nn: "D", en: "D" },
        rightDescription: undefined,
      }),
    );
    expect(failures).toStrictEqual([
      {
        property: "title.nn",
        reason: "missing title in nynorsk (nn): the Resource Registry requires nb, nn and en",
      },
      {
        property: "title.en",
        reason: "missing title in English (en): the Resource Registry requires nb, nn and en",
      },
      {
        property: "rightDescription.nb",
        reason:
          "missing rightDescription (required when delegable is true) in bokmål (nb): the Resource Registry requires nb, nn and en",
      },
      {
        property: "rightDescription.nn",
        reason:
          "missing rightDescription (required when delegable is true) in nynorsk (nn): the Resource Registry requires nb, nn and en",
      },
      {
        property: "rightDescription.en",
        reason:
          "missing rightDescription (required when delegable is true) in English (en): the Resource Registry requires nb, nn and en",
      },
    ]);
  });

  it("does not ask for rightDescription when the resource is not delegable", () => {
    expect(
      validateResource(parsed({ delegable: false, rightDescription: undefined })),
    ).toStrictEqual([]);
  });

  it("requires a 9-digit organisation number, also for ttd", () => {
    expect(
      validateResource(parsed({ hasCompetentAuthority: { orgcode: "digdir" } })),
    ).toStrictEqual([
      {
        property: "hasCompetentAuthority.organization",
        reason: "the owner's 9-digit organisation number is required",
      },
    ]);
    expect(
      validateResource(
        parsed({ hasCompetentAuthority: { orgcode: "digdir", organization: "99182582" } }),
      ),
    ).toStrictEqual([
      {
        property: "hasCompetentAuthority.organization",
        reason: '"99182582" is not a 9-digit organisation number',
      },
    ]);
    expect(validateResource(parsed({ hasCompetentAuthority: { orgcode: "ttd" } }))).toStrictEqual([
      {
        property: "hasCompetentAuthority.organization",
        reason:
          "the owner's 9-digit organisation number is required, also for ttd: without it the Resource Registry fails every write with 500 (its owner check needs the number); use Digdir's, 991825827, which Altinn gives ttd",
      },
    ]);
  });

  it("rejects an empty contact point and a MaskinportenSchema without its scope reference", () => {
    expect(
      validateResource(
        parsed({ contactPoints: [{ category: " " }], resourceType: "MaskinportenSchema" }),
      ),
    ).toStrictEqual([
      {
        property: "contactPoints.0",
        reason: "a contact point needs at least one of category, email, telephone or contactPage",
      },
      {
        property: "resourceReferences",
        reason:
          "a MaskinportenSchema resource needs a reference with referenceType MaskinportenScope",
      },
    ]);
  });
});

describe("check", () => {
  it("returns the inputs with defaults and keeps the provider", async () => {
    // With old inputs (a resource the stack has) check makes no call.
    const result = await impl.check(noContext, { ...spec }, { ...spec, __provider: "code" });
    expect(result.failures).toStrictEqual([]);
    expect(result.inputs).toStrictEqual({ ...parsed(), __provider: "code" });
  });

  it("reports unknown and mistyped properties from the schema", async () => {
    const result = await impl.check(
      noContext,
      {},
      { ...spec, titel: "x", delegable: "yes", colour: 1 },
    );
    expect(result.failures).toStrictEqual([
      { property: "delegable", reason: "Invalid input: expected boolean, received string" },
      { property: "titel", reason: 'unknown property "titel": did you mean "title"?' },
      { property: "colour", reason: 'unknown property "colour": remove it' },
    ]);
  });

  it("validates the known properties in preview and passes unknown ones through", async () => {
    const news = { ...spec, identifier: UNKNOWN, title: { nb: "T", nn: "", en: "T" } };
    const result = await impl.check(noContext, {}, news);
    expect(result.inputs).toBe(news);
    expect(result.failures).toStrictEqual([]);
    const bad = await impl.check(noContext, {}, { ...spec, identifier: UNKNOWN, delegable: "no" });
    expect(bad.failures).toStrictEqual([
      { property: "delegable", reason: "Invalid input: expected boolean, received string" },
    ]);
  });
});

describe("diff", () => {
  const olds = {
    ...parsed(),
    resourceUrn: "urn:altinn:resource:digdir-melding",
    resourceUrl: "u",
    __provider: "a",
  };

  it("reports no change when only the provider code differs", async () => {
    expect(
      await impl.diff(noContext, "digdir-melding", olds, { ...parsed(), __provider: "b" }),
    ).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("updates in place for a title change", async () => {
    expect(
      await impl.diff(
        noContext,
        "digdir-melding",
        olds,
        parsed({ title: { nb: "Ny", nn: "Ny", en: "New" } }),
      ),
    ).toStrictEqual({ changes: true, replaces: [] });
  });

  it("replaces, creating the new one first, when the identifier changes", async () => {
    expect(
      await impl.diff(noContext, "digdir-melding", olds, parsed({ identifier: "digdir-melding2" })),
    ).toStrictEqual({ changes: true, replaces: ["identifier"] });
  });

  it.each([
    [
      "hasCompetentAuthority",
      { hasCompetentAuthority: { organization: "974760673", orgcode: "brg" } },
    ],
    ["resourceType", { resourceType: "GenericAccessResource" }],
  ])("replaces, deleting the old one first, when %s changes", async (field, overrides) => {
    expect(await impl.diff(noContext, "digdir-melding", olds, parsed(overrides))).toStrictEqual({
      changes: true,
      replaces: [field],
      deleteBeforeReplace: true,
    });
  });
});

describe("DTO mapping", () => {
  it("sends every set field and leaves unset optional ones out", () => {
    const dto = toServiceResourceDto(
      parsed({ homepage: "https://example.org", availableForType: ["Company"] }),
    );
    expect(Object.keys(dto).sort()).toStrictEqual(
      [
        "accessListMode",
        "availableForType",
        "contactPoints",
        "delegable",
        "description",
        "enterpriseUserEnabled",
        "hasCompetentAuthority",
        "homepage",
        "identifier",
        "keywords",
        "resourceReferences",
        "resourceType",
        "rightDescription",
        "selfIdentifiedUserEnabled",
        "status",
        "title",
        "visible",
      ].sort(),
    );
  });

  it("ignores server-added fields when reading the live document", () => {
    const managed = parsed();
    const live = {
      ...toServiceResourceDto(managed),
      versionId: 7,
      hasCompetentAuthority: {
        organization: "991825827",
        orgcode: "digdir",
        name: { nb: "Digdir" },
      },
    };
    expect(fromServiceResourceDto(live, managed)).toStrictEqual(managed);
  });
});
