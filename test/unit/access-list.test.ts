import {
  accessListImplementation,
  accessListModeWarnings,
  batches,
  canonicalMember,
  connectionDelta,
  memberDelta,
  projectMembers,
} from "../../providers/access-list";
import type { AccessListMemberDto } from "../../providers/api/access-lists";
import { UNKNOWN } from "../../providers/lib/check";
import type { ProviderContext } from "../../providers/lib/context";
import { stackConfigSchema } from "../../program/config";

/** Pure logic of the AccessList provider: validation, normalisation, deltas and the mode lint. */

const ctx = {} as ProviderContext;
const UUID_A = "0d6a3f4e-1111-4222-8333-444455556666";
const UUID_B = "7f00aa11-2222-4333-8444-555566667777";

function member(uuid: string, orgnr?: string): AccessListMemberDto {
  return {
    id: `urn:altinn:party:uuid:${uuid}`,
    since: "2026-01-01T00:00:00.000Z",
    identifiers: {
      "urn:altinn:party:uuid": uuid,
      ...(orgnr ? { "urn:altinn:organization:identifier-no": orgnr } : {}),
    },
  };
}

describe("AccessList check", () => {
  it("normalises members and connections: canonical, sorted, each once", async () => {
    // With old inputs (a list the stack has) check makes no call.
    const result = await accessListImplementation.check(
      ctx,
      { owner: "digdir", identifier: "godkjente-banker" },
      {
        owner: "digdir",
        identifier: "godkjente-banker",
        name: "Godkjente banker",
        members: [
          "urn:altinn:organization:identifier-no:991825827",
          `urn:altinn:party:uuid:${UUID_A.toUpperCase()}`,
          "974760673",
          "991825827",
        ],
        resources: [
          { identifier: "digdir-svar", actionFilters: ["subscribe", "read", "read"] },
          { identifier: "digdir-melding" },
        ],
      },
    );
    expect(result).toStrictEqual({
      inputs: {
        owner: "digdir",
        identifier: "godkjente-banker",
        name: "Godkjente banker",
        description: "",
        members: ["974760673", "991825827", `urn:altinn:party:uuid:${UUID_A}`],
        resources: [
          { identifier: "digdir-melding", actionFilters: [] },
          { identifier: "digdir-svar", actionFilters: ["read", "subscribe"] },
        ],
        adopt: false,
        __provider: undefined,
      },
      failures: [],
    });
  });

  it("rejects bad values naming the property, the value and the fix", async () => {
    const result = await accessListImplementation.check(
      ctx,
      {},
      {
        owner: "991825827",
        identifier: "Godkjente Banker",
        name: " ",
        members: ["991825827", "12345", "urn:altinn:party:id:5001"],
        resources: [
          { identifier: "digdir-melding", actionFilters: [""] },
          { identifier: "digdir-melding" },
          { identifier: "a/b" },
        ],
      },
    );
    expect(result.failures).toStrictEqual([
      {
        property: "owner",
        reason:
          '"991825827" is an organisation number: an access list is owned by the service owner\'s org code (such as "digdir"), which Altinn requires in the path',
      },
      {
        property: "identifier",
        reason:
          '"Godkjente Banker" is not a valid access list identifier: use lowercase a-z, 0-9, "-" and "_", starting with a letter or digit (for example "godkjente-banker")',
      },
      {
        property: "name",
        reason: 'the name is required: the list\'s display name, such as "Godkjente banker"',
      },
      {
        property: "members.1",
        reason:
          '"12345" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"',
      },
      {
        property: "members.2",
        reason:
          '"urn:altinn:party:id:5001" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"',
      },
      {
        property: "resources.0.actionFilters.0",
        reason:
          'an action filter cannot be empty: name an action such as "read", or leave actionFilters empty to allow every action',
      },
      {
        property: "resources.1.identifier",
        reason:
          'resource "digdir-melding" is connected twice: list each resource once, with all its actions in actionFilters',
      },
      {
        property: "resources.2.identifier",
        reason:
          '"a/b" is not a resource identifier: use the identifier of a Resource Registry resource, such as "digdir-melding"',
      },
    ]);
  });

  it("rejects an org code that is not one, and unknown properties", async () => {
    const result = await accessListImplementation.check(
      ctx,
      {},
      { owner: "Digitaliseringsdirektoratet", identifier: "x", name: "X", member: ["1"] },
    );
    expect(result.failures).toStrictEqual([
      { property: "member", reason: 'unknown property "member": did you mean "members"?' },
    ]);
    const owner = await accessListImplementation.check(
      ctx,
      {},
      { owner: "Digitaliseringsdirektoratet", identifier: "x", name: "X" },
    );
    expect(owner.failures).toStrictEqual([
      {
        property: "owner",
        reason:
          '"Digitaliseringsdirektoratet" is not an Altinn org code: use the service owner\'s lowercase code, such as "digdir"',
      },
    ]);
  });

  it("leaves members unknown at preview to be checked when they are known", async () => {
    const news = { owner: "digdir", identifier: "x", name: "X", members: [UNKNOWN] };
    expect(await accessListImplementation.check(ctx, {}, news)).toStrictEqual({
      inputs: news,
      failures: [],
    });
  });
});

describe("canonicalMember", () => {
  it.each([
    ["991825827", "991825827"],
    [" 991825827 ", "991825827"],
    ["urn:altinn:organization:identifier-no:991825827", "991825827"],
    [`URN:ALTINN:PARTY:UUID:${UUID_A.toUpperCase()}`, `urn:altinn:party:uuid:${UUID_A}`],
    ["99182582", undefined],
    ["urn:altinn:organization:identifier-no:9918258270", undefined],
    ["urn:altinn:party:uuid:not-a-uuid", undefined],
    ["urn:altinn:person:identifier-no:01017012345", undefined],
  ])("maps %j to %j", (value, expected) => {
    expect(canonicalMember(value)).toBe(expected);
  });
});

describe("memberDelta", () => {
  const live = [member(UUID_A, "991825827"), member(UUID_B)];

  it("adds declared members the list lacks and removes only known members no longer declared", () => {
    expect(
      memberDelta(live, ["974760673", "991825827"], { known: [`urn:altinn:party:uuid:${UUID_B}`] }),
    ).toStrictEqual({
      add: ["urn:altinn:organization:identifier-no:974760673"],
      remove: [`urn:altinn:party:uuid:${UUID_B}`],
    });
  });

  it("leaves a member someone else added", () => {
    expect(memberDelta(live, ["991825827"], { known: [] })).toStrictEqual({ add: [], remove: [] });
  });

  it("matches a member declared by party uuid to the organisation the list holds", () => {
    expect(
      memberDelta(live, [`urn:altinn:party:uuid:${UUID_A}`], { known: ["991825827"] }),
    ).toStrictEqual({ add: [], remove: [] });
  });

  it("removes every undeclared member when adopting", () => {
    expect(memberDelta(live, [], "every-undeclared")).toStrictEqual({
      add: [],
      remove: [`urn:altinn:party:uuid:${UUID_A}`, `urn:altinn:party:uuid:${UUID_B}`].sort(),
    });
  });
});

describe("projectMembers", () => {
  it("shows live members in the declared form, and others by organisation number or uuid", () => {
    const live = [
      member(UUID_A, "991825827"),
      member(UUID_B),
      member("11111111-2222-4333-8444-555555555555", "974760673"),
    ];
    expect(projectMembers(live, [`urn:altinn:party:uuid:${UUID_A}`])).toStrictEqual([
      "974760673",
      `urn:altinn:party:uuid:${UUID_A}`,
      `urn:altinn:party:uuid:${UUID_B}`,
    ]);
  });
});

describe("connectionDelta", () => {
  const live = [
    { resourceIdentifier: "digdir-melding", createdAt: "", updatedAt: "", actionFilters: ["read"] },
    { resourceIdentifier: "digdir-svar", createdAt: "", updatedAt: "" },
    { resourceIdentifier: "digdir-studio", createdAt: "", updatedAt: "" },
  ];

  it("upserts changed or missing connections and removes only known ones no longer declared", () => {
    expect(
      connectionDelta(
        live,
        [
          { identifier: "digdir-melding", actionFilters: ["read", "subscribe"] },
          { identifier: "digdir-ny", actionFilters: [] },
        ],
        { known: ["digdir-svar"] },
      ),
    ).toStrictEqual({
      upsert: [
        { identifier: "digdir-melding", actionFilters: ["read", "subscribe"] },
        { identifier: "digdir-ny", actionFilters: [] },
      ],
      remove: ["digdir-svar"],
    });
  });

  it("sees an every-action connection as unchanged", () => {
    expect(
      connectionDelta(live, [{ identifier: "digdir-svar", actionFilters: [] }], {
        known: [],
      }),
    ).toStrictEqual({ upsert: [], remove: [] });
  });
});

describe("batches", () => {
  it("splits into runs of at most 100", () => {
    expect(batches(Array.from({ length: 250 }, (_, i) => i)).map((b) => b.length)).toStrictEqual([
      100, 100, 50,
    ]);
    expect(batches([])).toStrictEqual([]);
  });
});

describe("accessListModeWarnings", () => {
  it("warns for a resource that enables access-list mode with no connected list, or only empty ones", () => {
    expect(
      accessListModeWarnings({
        resources: [
          { identifier: "digdir-a", accessListMode: "Enabled" },
          { identifier: "digdir-b", accessListMode: "Enabled" },
          { identifier: "digdir-c", accessListMode: "Enabled" },
          { identifier: "digdir-d" },
        ],
        accessLists: [
          {
            identifier: "tom",
            members: [],
            resources: [{ identifier: "digdir-b" }],
          },
          {
            identifier: "full",
            members: ["991825827"],
            resources: [{ identifier: "digdir-c" }],
          },
        ],
      }),
    ).toStrictEqual([
      "resource digdir-a enables accessListMode but no access list in this stack is connected to it: Altinn will deny every party. Connect a list to it (accessLists[].resources), or keep accessListMode Disabled",
      "resource digdir-b enables accessListMode but its access lists (tom) have no members: Altinn will deny every party. Add the organisations that should have access",
    ]);
  });
});

describe("stack config accessLists", () => {
  it("reads access lists, taking organisation numbers YAML parsed as numbers as text", () => {
    const parsed = stackConfigSchema.parse({
      environment: "local",
      org: { code: "digdir", number: "991825827" },
      accessLists: [
        {
          identifier: "banker",
          name: "Banker",
          members: [991825827, "974760673"],
          resources: [{ identifier: "digdir-melding", actionFilters: ["read"] }],
        },
      ],
    });
    expect(parsed.accessLists).toStrictEqual([
      {
        identifier: "banker",
        name: "Banker",
        members: ["991825827", "974760673"],
        resources: [{ identifier: "digdir-melding", actionFilters: ["read"] }],
      },
    ]);
  });
});
