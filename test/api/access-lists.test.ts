import * as api from "../../providers/api/access-lists";
import { etagOf } from "../../simulator/http/conditional";
import { partyOfOrganization } from "../../simulator/parties";
import {
  admin,
  altinnTokenOf,
  LISTS,
  orgNumbers,
  orgUrn,
  rawCall,
  withoutTraceId,
  type RawResponse,
} from "../support/access-lists";
import { demoContext, DEMO_ORGNR, lastSeq, useSimulator } from "../support/simulator";

/**
 * The simulator's access-list API over HTTP, against the real server's contract
 * (altinn-resource-registry AccessListsController and its tests), and the API client on top of it.
 * What it does not prove: that tt02 answers byte for byte the same (see the report's caveats).
 */

const simulator = useSimulator();
const WRITE = "altinn:resourceregistry/accesslist.write";
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

let token: string;
let counter = 0;
/** A fresh list identifier per test, so tests do not share state. */
const fresh = () => `liste-${++counter}`;

beforeAll(async () => {
  token = await demoContext(simulator()).tokens.altinnToken([WRITE]);
  await admin(simulator(), "PUT", "/__admin/resources/digdir-melding", {
    hasCompetentAuthority: { organization: DEMO_ORGNR, orgcode: "digdir" },
  });
  await admin(simulator(), "PUT", "/__admin/resources/skd-melding", {
    hasCompetentAuthority: { organization: "974761076", orgcode: "skd" },
  });
});

function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; token?: string } = {},
): Promise<RawResponse> {
  return rawCall(simulator(), method, path, { token, ...options });
}

async function createList(identifier: string, members: string[] = []): Promise<void> {
  expect(
    (await call("PUT", `${LISTS}/digdir/${identifier}`, { body: { name: "Liste" } })).status,
  ).toBe(200);
  for (let i = 0; i < members.length; i += 100) {
    const batch = members.slice(i, i + 100).map(orgUrn);
    const response = await call("POST", `${LISTS}/digdir/${identifier}/members`, {
      body: { data: batch },
    });
    expect(response.status).toBe(200);
  }
}

describe("access list PUT, GET and DELETE", () => {
  it("creates a list with If-None-Match: * and answers the list with a weak ETag", async () => {
    const response = await call("PUT", `${LISTS}/digdir/godkjente-banker`, {
      headers: { "if-none-match": "*" },
      body: { name: "Godkjente banker", description: "Banker med avtale" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe('W/"eyJ2ZXJzaW9uIjoiMSJ9"');
    expect(response.headers.get("last-modified")).toMatch(/ GMT$/);
    expect(response.body).toStrictEqual({
      urn: "urn:altinn:access-list:digdir:godkjente-banker",
      identifier: "godkjente-banker",
      name: "Godkjente banker",
      description: "Banker med avtale",
      createdAt: ISO,
      updatedAt: ISO,
    });
  });

  it("rejects a second create-only PUT with a 412 ProblemDetails and keeps the list", async () => {
    const id = fresh();
    await createList(id);
    const response = await call("PUT", `${LISTS}/digdir/${id}`, {
      headers: { "if-none-match": "*" },
      body: { name: "Other" },
    });
    expect(response.status).toBe(412);
    expect(withoutTraceId(response.body)).toStrictEqual({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.13",
      title: "Precondition Failed",
      status: 412,
    });
    const list = await call("GET", `${LISTS}/digdir/${id}`);
    expect((list.body as { name: string }).name).toBe("Liste");
  });

  it("updates at the current version, keeps the version when nothing changes, and refuses a stale one", async () => {
    const id = fresh();
    await createList(id);
    const same = await call("PUT", `${LISTS}/digdir/${id}`, {
      headers: { "if-match": etagOf(1) },
      body: { name: "Liste" },
    });
    expect([same.status, same.headers.get("etag")]).toStrictEqual([200, etagOf(1)]);
    const renamed = await call("PUT", `${LISTS}/digdir/${id}`, {
      headers: { "if-match": etagOf(1) },
      body: { name: "Nytt navn", description: null },
    });
    expect([renamed.status, renamed.headers.get("etag")]).toStrictEqual([200, etagOf(2)]);
    const stale = await call("PUT", `${LISTS}/digdir/${id}`, {
      headers: { "if-match": etagOf(1) },
      body: { name: "Tapt oppdatering" },
    });
    expect(stale.status).toBe(412);
    const list = await call("GET", `${LISTS}/digdir/${id}`);
    expect(list.body).toMatchObject({ name: "Nytt navn", description: "" });
    expect(list.headers.get("etag")).toBe(etagOf(2));
  });

  it("requires an existing list for If-Match: * (412 when absent)", async () => {
    const response = await call("PUT", `${LISTS}/digdir/${fresh()}`, {
      headers: { "if-match": "*" },
      body: { name: "Liste" },
    });
    expect(response.status).toBe(412);
  });

  it("rejects a strong ETag with 400", async () => {
    const id = fresh();
    await createList(id);
    const response = await call("PUT", `${LISTS}/digdir/${id}`, {
      headers: { "if-match": '"eyJ2ZXJzaW9uIjoiMSJ9"' },
      body: { name: "Liste" },
    });
    expect(response.status).toBe(400);
    expect(withoutTraceId(response.body)).toStrictEqual({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { "If-Match": ["Only weak etags are supported"] },
    });
  });

  it("rejects a PUT without a name with 400", async () => {
    const response = await call("PUT", `${LISTS}/digdir/${fresh()}`, {
      body: { description: "x" },
    });
    expect(response.status).toBe(400);
    expect((response.body as { errors: unknown }).errors).toStrictEqual({
      Name: ["The Name field is required."],
    });
  });

  it("answers 304 to a GET whose If-None-Match is the current version, and 404 for an absent list", async () => {
    const id = fresh();
    await createList(id);
    const unchanged = await call("GET", `${LISTS}/digdir/${id}`, {
      headers: { "if-none-match": etagOf(1) },
    });
    expect([unchanged.status, unchanged.body, unchanged.headers.get("etag")]).toStrictEqual([
      304,
      "",
      etagOf(1),
    ]);
    const absent = await call("GET", `${LISTS}/digdir/${fresh()}`);
    expect(absent.status).toBe(404);
    expect(withoutTraceId(absent.body)).toStrictEqual({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
      title: "Not Found",
      status: 404,
    });
  });

  it("deletes a list with 200 and the list, and answers 204 when it is already gone", async () => {
    const id = fresh();
    await createList(id, orgNumbers(3));
    const deleted = await call("DELETE", `${LISTS}/digdir/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ identifier: id, name: "Liste" });
    expect((await call("DELETE", `${LISTS}/digdir/${id}`)).status).toBe(204);
    expect((await call("GET", `${LISTS}/digdir/${id}/members`)).status).toBe(404);
  });
});

describe("access list owner and auth", () => {
  it("rejects an organisation number as owner with 400 RR.VLD-00010", async () => {
    const response = await call("GET", `${LISTS}/${DEMO_ORGNR}`);
    expect(response.status).toBe(400);
    expect(withoutTraceId(response.body)).toStrictEqual({
      type: "urn:altinn:error:STD-00000",
      title: "One or more validation errors occurred.",
      status: 400,
      detail: "One or more validation errors occurred.",
      code: "STD-00000",
      validationErrors: [
        {
          code: "RR.VLD-00010",
          detail: "Access list owner must be a valid and registered org-code.",
          paths: ["/$PATH/owner"],
        },
      ],
    });
  });

  it("accepts the owner in any case and answers 401 without a token", async () => {
    expect((await call("GET", `${LISTS}/DIGDIR`)).status).toBe(200);
    const anonymous = await rawCall(simulator(), "GET", `${LISTS}/digdir`);
    expect([anonymous.status, anonymous.body]).toStrictEqual([401, ""]);
  });

  it("forbids another organisation's lists and a token without an access-list scope (403, empty)", async () => {
    const skd = await altinnTokenOf(simulator(), {
      clientId: "skd-lists",
      orgnr: "974761076",
      scopes: [WRITE],
    });
    const foreign = await call("GET", `${LISTS}/digdir`, { token: skd });
    expect([foreign.status, foreign.body]).toStrictEqual([403, ""]);
    const resourceOnly = await demoContext(simulator()).tokens.altinnToken([
      "altinn:resourceregistry/resource.write",
    ]);
    const unscoped = await call("GET", `${LISTS}/digdir`, { token: resourceOnly });
    expect([unscoped.status, unscoped.body]).toStrictEqual([403, ""]);
  });
});

describe("access lists by owner", () => {
  it("pages 20 lists at a time in identifier order, naming the include key 'includes' in the next link", async () => {
    const otherOwner = await altinnTokenOf(simulator(), {
      clientId: "brg-lists",
      orgnr: "974760673",
      scopes: [WRITE],
    });
    const ids = Array.from({ length: 41 }, (_, i) => `brg-${String(41 - i).padStart(2, "0")}`);
    for (const id of ids) {
      await call("PUT", `${LISTS}/brg/${id}`, { token: otherOwner, body: { name: id } });
    }
    const first = await call("GET", `${LISTS}/brg?include=resources&resource=brg-melding`, {
      token: otherOwner,
    });
    const page1 = first.body as { links: { next: string }; data: Array<{ identifier: string }> };
    expect(page1.data.map((l) => l.identifier)).toStrictEqual(
      Array.from({ length: 20 }, (_, i) => `brg-${String(i + 1).padStart(2, "0")}`),
    );
    expect(page1.data[0]).toMatchObject({ resourceConnections: [] });
    const next = new URL(page1.links.next);
    expect([next.origin, next.pathname, [...next.searchParams.keys()]]).toStrictEqual([
      simulator().url,
      `${LISTS}/brg`,
      ["token", "includes"],
    ]);
    const second = await call("GET", `${next.pathname}${next.search}`, { token: otherOwner });
    const page2 = second.body as { links: { next: string }; data: Array<Record<string, unknown>> };
    expect(page2.data.map((l) => l.identifier)).toStrictEqual(
      Array.from({ length: 20 }, (_, i) => `brg-${i + 21}`),
    );
    // The key the link names is not the one the endpoint reads: no connections on page 2.
    expect(page2.data[0]!.resourceConnections).toBeUndefined();
    const third = await call(
      "GET",
      new URL(page2.links.next).pathname + new URL(page2.links.next).search,
      {
        token: otherOwner,
      },
    );
    expect(third.body).toMatchObject({ links: { next: null }, data: [{ identifier: "brg-41" }] });
  });

  it("requires a resource when including connections (RR.VLD-00002) and does not include members (501 RR-00000)", async () => {
    const missing = await call("GET", `${LISTS}/digdir?include=resource-actions`);
    expect(missing.status).toBe(400);
    expect((missing.body as { validationErrors: unknown }).validationErrors).toStrictEqual([
      {
        code: "RR.VLD-00002",
        detail: "Resource identifier is required when including resource connections.",
        paths: ["/$QUERY/include", "/$QUERY/resource"],
      },
    ]);
    const members = await call("GET", `${LISTS}/digdir?include=members`);
    expect(members.status).toBe(501);
    expect(withoutTraceId(members.body)).toStrictEqual({
      type: "urn:altinn:error:RR-00000",
      title: "Members are not supported yet as an include option for this endpoint.",
      status: 501,
      detail: "Members are not supported yet as an include option for this endpoint.",
      code: "RR-00000",
    });
  });
});

describe("access list members", () => {
  it("gives organisations a stable party uuid and id, and lists members with all three identifiers", async () => {
    const id = fresh();
    await createList(id, ["991825827"]);
    const party = partyOfOrganization("991825827");
    expect(party.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-000991825827$/);
    expect(party.partyId).toBe(1_091_825_827);
    const response = await call("GET", `${LISTS}/digdir/${id}/members`);
    expect(response.headers.get("etag")).toBe(etagOf(2));
    expect(response.body).toStrictEqual({
      links: { next: null },
      data: [
        {
          id: `urn:altinn:party:uuid:${party.uuid}`,
          since: ISO,
          identifiers: {
            "urn:altinn:party:uuid": party.uuid,
            "urn:altinn:party:id": 1_091_825_827,
            "urn:altinn:organization:identifier-no": "991825827",
          },
        },
      ],
    });
  });

  it("adds by party uuid and party id, idempotently: a repeated add keeps the version", async () => {
    const id = fresh();
    await createList(id);
    const a = partyOfOrganization("974760673");
    const b = partyOfOrganization("974761076");
    const added = await call("POST", `${LISTS}/digdir/${id}/members`, {
      body: {
        data: [`urn:altinn:party:uuid:${a.uuid.toUpperCase()}`, `urn:altinn:party:id:${b.partyId}`],
      },
    });
    expect(added.status).toBe(200);
    expect(added.headers.get("etag")).toBe(etagOf(2));
    const again = await call("POST", `${LISTS}/digdir/${id}/members`, {
      body: { data: [orgUrn("974760673")] },
    });
    expect(again.headers.get("etag")).toBe(etagOf(2));
    const data = (again.body as { data: Array<{ id: string }> }).data.map((m) => m.id);
    expect(data).toStrictEqual([a.uuid, b.uuid].sort().map((u) => `urn:altinn:party:uuid:${u}`));
  });

  it("rejects an unknown party uuid with 400 RR-00001 and a malformed member with a model error", async () => {
    const id = fresh();
    await createList(id);
    const unknown = await call("POST", `${LISTS}/digdir/${id}/members`, {
      body: { data: ["urn:altinn:party:uuid:0d6a3f4e-1111-4222-8333-444455556666"] },
    });
    expect(unknown.status).toBe(400);
    expect(withoutTraceId(unknown.body)).toStrictEqual({
      type: "urn:altinn:error:RR-00001",
      title: "One or more party references not found.",
      status: 400,
      detail: "One or more party references not found.",
      code: "RR-00001",
    });
    const malformed = await call("POST", `${LISTS}/digdir/${id}/members`, {
      body: { data: [orgUrn("12345")] },
    });
    expect(malformed.status).toBe(400);
    expect(Object.keys((malformed.body as { errors: object }).errors)).toStrictEqual(["$.data[0]"]);
  });

  it("takes at most 100 members per write: RR.VLD-00001 for POST and DELETE, RR.VLD-00000 for PUT", async () => {
    const id = fresh();
    await createList(id);
    const data = orgNumbers(101).map(orgUrn);
    const codes: unknown[] = [];
    for (const method of ["POST", "DELETE", "PUT"]) {
      const response = await call(method, `${LISTS}/digdir/${id}/members`, { body: { data } });
      const body = response.body as {
        code: string;
        validationErrors: Array<{ code: string; paths: string[] }>;
      };
      codes.push([response.status, body.code, body.validationErrors.map((v) => [v.code, v.paths])]);
    }
    expect(codes).toStrictEqual([
      [400, "STD-00000", [["RR.VLD-00001", ["/data"]]]],
      [400, "STD-00000", [["RR.VLD-00001", ["/data"]]]],
      [400, "STD-00000", [["RR.VLD-00000", ["/data"]]]],
    ]);
  });

  it("replaces all members with PUT and removes with DELETE", async () => {
    const id = fresh();
    await createList(id, orgNumbers(3));
    await call("PUT", `${LISTS}/digdir/${id}/members`, {
      body: { data: [orgUrn("910000002"), orgUrn("920000000")] },
    });
    const removed = await call("DELETE", `${LISTS}/digdir/${id}/members`, {
      body: { data: [orgUrn("910000002")] },
    });
    const orgnrs = (
      removed.body as { data: Array<{ identifiers: Record<string, unknown> }> }
    ).data.map((m) => m.identifiers["urn:altinn:organization:identifier-no"]);
    expect(orgnrs).toStrictEqual(["920000000"]);
  });

  it("pages 100 members at a time; a change between pages makes the next link answer 412", async () => {
    const id = fresh();
    await createList(id, orgNumbers(250));
    const first = await call("GET", `${LISTS}/digdir/${id}/members`);
    const page1 = first.body as { links: { next: string }; data: unknown[] };
    const next = new URL(page1.links.next);
    const second = await call("GET", next.pathname + next.search);
    const page2 = second.body as { links: { next: string }; data: unknown[] };
    const third = await call(
      "GET",
      new URL(page2.links.next).pathname + new URL(page2.links.next).search,
    );
    expect([
      page1.data.length,
      page2.data.length,
      (third.body as { data: unknown[] }).data.length,
    ]).toStrictEqual([100, 100, 50]);
    expect((third.body as { links: unknown }).links).toStrictEqual({ next: null });

    await call("POST", `${LISTS}/digdir/${id}/members`, { body: { data: [orgUrn("930000000")] } });
    const stale = await call("GET", next.pathname + next.search);
    expect(stale.status).toBe(412);
  });
});

describe("access list resource connections", () => {
  it("connects a resource, upserts its actions and shows every-action connections without filters", async () => {
    const id = fresh();
    await createList(id);
    const connected = await call(
      "PUT",
      `${LISTS}/digdir/${id}/resource-connections/digdir-melding`,
      {
        headers: { "if-match": etagOf(1) },
        body: { actionFilters: ["read", "subscribe"] },
      },
    );
    expect([connected.status, connected.headers.get("etag")]).toStrictEqual([200, etagOf(2)]);
    expect(connected.body).toStrictEqual({
      resourceIdentifier: "digdir-melding",
      createdAt: ISO,
      updatedAt: ISO,
      actionFilters: ["read", "subscribe"],
    });
    const same = await call("PUT", `${LISTS}/digdir/${id}/resource-connections/digdir-melding`, {
      body: { actionFilters: ["subscribe", "read"] },
    });
    expect(same.headers.get("etag")).toBe(etagOf(2));
    const all = await call("PUT", `${LISTS}/digdir/${id}/resource-connections/digdir-melding`, {
      body: { actionFilters: [] },
    });
    expect(all.headers.get("etag")).toBe(etagOf(3));
    const listed = await call("GET", `${LISTS}/digdir/${id}/resource-connections`);
    expect(listed.body).toStrictEqual({
      links: { next: null },
      data: [{ resourceIdentifier: "digdir-melding", createdAt: ISO, updatedAt: ISO }],
    });
  });

  it("refuses an unknown resource (400 RR-00002) and another owner's resource (403 RR-00004)", async () => {
    const id = fresh();
    await createList(id);
    const unknown = await call("PUT", `${LISTS}/digdir/${id}/resource-connections/finnes-ikke`, {
      body: { actionFilters: [] },
    });
    expect(withoutTraceId(unknown.body)).toStrictEqual({
      type: "urn:altinn:error:RR-00002",
      title: "One or more resource references not found.",
      status: 400,
      detail: "One or more resource references not found.",
      code: "RR-00002",
    });
    const foreign = await call("PUT", `${LISTS}/digdir/${id}/resource-connections/skd-melding`, {
      body: { actionFilters: [] },
    });
    expect(withoutTraceId(foreign.body)).toStrictEqual({
      type: "urn:altinn:error:RR-00004",
      title:
        "Cannot create a access-list connection to a resource not owned by the same service-owner as the access-list.",
      status: 403,
      detail:
        "Cannot create a access-list connection to a resource not owned by the same service-owner as the access-list.",
      code: "RR-00004",
    });
  });

  it("deletes a connection with 200, answers 204 when it is gone and 404 when the list is", async () => {
    const id = fresh();
    await createList(id);
    await call("PUT", `${LISTS}/digdir/${id}/resource-connections/digdir-melding`, {
      body: { actionFilters: ["read"] },
    });
    const deleted = await call(
      "DELETE",
      `${LISTS}/digdir/${id}/resource-connections/digdir-melding`,
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      resourceIdentifier: "digdir-melding",
      actionFilters: ["read"],
    });
    const gone = await call("DELETE", `${LISTS}/digdir/${id}/resource-connections/digdir-melding`);
    expect([gone.status, gone.body]).toStrictEqual([204, ""]);
    const noList = await call(
      "DELETE",
      `${LISTS}/digdir/${fresh()}/resource-connections/digdir-melding`,
    );
    expect(noList.status).toBe(404);
  });
});

describe("access-lists API client", () => {
  it("reads every member page at one version, starting over at page 1 when the page token is invalidated", async () => {
    const ctx = demoContext(simulator());
    const id = fresh();
    await createList(id, orgNumbers(250));
    await admin(simulator(), "POST", `/__admin/access-lists/digdir/${id}/race`, {
      trigger: "next-page",
      addMembers: [orgUrn("940000000")],
    });
    const before = lastSeq(simulator());
    const read = await api.readMembers(ctx, { owner: "digdir", identifier: id });
    expect(read!.value).toHaveLength(251);
    expect(read!.etag).toBe(etagOf(5));
    const calls = simulator().calls.filter((c) => c.seq > before && c.path.endsWith("/members"));
    expect(calls.map((c) => [c.query === "" ? "page 1" : "next", c.status])).toStrictEqual([
      ["page 1", 200],
      ["next", 412],
      ["page 1", 200],
      ["next", 200],
      ["next", 200],
    ]);
  });

  it("follows next links on the configured platform origin only", () => {
    const ctx = demoContext(simulator());
    expect(
      api.onPlatform(
        ctx,
        "https://internal.example:8080/resourceregistry/api/v1/access-lists/digdir?token=abc",
      ),
    ).toBe(`${simulator().url}/resourceregistry/api/v1/access-lists/digdir?token=abc`);
  });

  it("turns a 412 into PreconditionFailedError naming the list", async () => {
    const ctx = demoContext(simulator());
    const id = fresh();
    await createList(id);
    await expect(
      api.putAccessList(
        ctx,
        { owner: "digdir", identifier: id },
        { name: "x", description: "" },
        { ifNoneMatch: "*" },
      ),
    ).rejects.toThrow(
      `access list digdir/${id} changed while this tool was working on it (create access list digdir/${id}: 412 Precondition Failed)`,
    );
  });

  it("reports a foreign resource connection with the server's code and a fix", async () => {
    const ctx = demoContext(simulator());
    const id = fresh();
    await createList(id);
    await expect(
      api.putResourceConnection(
        ctx,
        { owner: "digdir", identifier: id },
        "skd-melding",
        [],
        etagOf(1),
      ),
    ).rejects.toThrow(
      `Access lists: connect resource skd-melding to access list digdir/${id} failed (PUT ${LISTS}/digdir/${id}/resource-connections/skd-melding -> 403) [RR-00004]: Cannot create a access-list connection to a resource not owned by the same service-owner as the access-list.: Cannot create a access-list connection to a resource not owned by the same service-owner as the access-list.\n  fix: a connected resource belongs to another service owner: an access list of digdir can only be connected to digdir's own resources`,
    );
  });
});
