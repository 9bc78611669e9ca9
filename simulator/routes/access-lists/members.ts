import type { SimContext } from "../../context";
import { versionHeaders } from "../../http/conditional";
import { altinnProblem, altinnValidationProblem, validationProblem } from "../../http/problems";
import { json } from "../../http/replies";
import { readJsonValue } from "../../http/requests";
import type { SimRequest, SimResponse } from "../../http/router";
import { lookupParty } from "../../parties";
import { authorizeConditional } from "./access";
import { membersPage } from "./pages";
import { listForWrite, now, touch } from "./store";

/**
 * Member writes: party URNs, at most 100 per write; an unknown party uuid or id is 400
 * `RR-00001`. Writes that change nothing keep the version.
 */
const MAX_MEMBERS_PER_WRITE = 100;

/** UpsertAccessListPartyMembersListDto: `{"data": [PartyUrn, ...]}`. */
function readMembersBody(req: SimRequest): string[] | SimResponse {
  const read = readJsonValue(req);
  if ("status" in read) return read;
  const body = read.value;
  if (body === undefined || body === null) {
    return validationProblem({
      "": ["A non-empty request body is required."],
      members: ["The members field is required."],
    });
  }
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) {
    return validationProblem({ data: ["The data field is required."] });
  }
  for (const [index, urn] of data.entries()) {
    if (typeof urn !== "string" || "invalid" in lookupParty(urn)) {
      return validationProblem({
        [`$.data[${index}]`]: [
          `The JSON value could not be converted to Altinn.ResourceRegistry.Core.Register.PartyUrn. Path: $.data[${index}] | LineNumber: 0 | BytePositionInLine: 0.`,
        ],
      });
    }
  }
  return data as string[];
}

/** Party uuids of the URNs, or 400 RR-00001 when one is not a known party. */
function resolveMembers(urns: string[]): string[] | SimResponse {
  const uuids: string[] = [];
  for (const urn of urns) {
    const found = lookupParty(urn);
    if (!("party" in found)) {
      return altinnProblem(400, "RR-00001", "One or more party references not found.");
    }
    uuids.push(found.party.uuid);
  }
  return uuids;
}

export async function writeMembers(
  ctx: SimContext,
  req: SimRequest,
  mode: "replace" | "add" | "remove",
): Promise<SimResponse> {
  const auth = await authorizeConditional(ctx, req, true);
  if ("status" in auth) return auth;
  const urns = readMembersBody(req);
  if ("status" in urns) return urns;
  if (urns.length > MAX_MEMBERS_PER_WRITE) {
    return altinnValidationProblem([
      mode === "replace"
        ? {
            code: "RR.VLD-00000",
            detail:
              "Cannot replace more than 100 members at a time. Use POST and DELETE methods instead.",
            paths: ["/data"],
          }
        : {
            code: "RR.VLD-00001",
            detail: "Cannot add or remove more than 100 members at a time.",
            paths: ["/data"],
          },
    ]);
  }
  const list = listForWrite(ctx, auth.owner, req.params.identifier!, auth.conditions);
  if ("status" in list) return list;
  const uuids = resolveMembers(urns);
  if ("status" in uuids) return uuids;
  const wanted = new Set(uuids);
  let changed = false;
  if (mode === "replace") {
    for (const uuid of Object.keys(list.members)) {
      if (!wanted.has(uuid)) {
        delete list.members[uuid];
        changed = true;
      }
    }
  }
  if (mode === "remove") {
    for (const uuid of wanted) {
      if (list.members[uuid]) {
        delete list.members[uuid];
        changed = true;
      }
    }
  } else {
    for (const uuid of wanted) {
      if (!list.members[uuid]) {
        list.members[uuid] = { since: now(ctx) };
        changed = true;
      }
    }
  }
  if (changed) {
    touch(ctx, list);
    ctx.changed();
  }
  return json(200, membersPage(req, list), versionHeaders(list));
}
