import { createHash } from "node:crypto";
import busboy from "busboy";
import type { JWTPayload } from "jose";
import {
  flattenRules,
  readXacml,
  resourceMatchesOf,
  XacmlSyntaxError,
  type FlatRule,
  type XacmlPolicy,
} from "../../policies/xacml";
import { statusProblem } from "../http/problems";
import { empty, json } from "../http/replies";
import type { SimRequest, SimResponse } from "../http/router";
import type { RouteModule, SimContext } from "../context";
import { findResource } from "../state";
import type { ServiceResourceDoc } from "../state-types";
import { hasWriteAccess, withWriteToken } from "./resource-registry";

/**
 * Resource policies (altinn-resource-registry ResourceController WritePolicy/GetPolicy/
 * GetFlattenRules/GetRights and PolicyHelper, docs/altinn-apis.md section 3.1):
 *
 * - POST and PUT `{id}/policy` take multipart/form-data (anything else: 415, as ASP.NET's
 *   form-file convention answers) with a file part `policyFile`, and overwrite: 201 with
 *   `Location: {id}/policy`. The write scope and the owner check come first (401/403), then
 *   "Unknown resource", then Altinn's XACML parser (a policy it cannot parse is a 500), then the
 *   rule check: every rule must name `urn:altinn:resource` = the id, else 400. The action declares
 *   `[Produces("application/json")]`, so its 400 reasons arrive as JSON strings.
 * - GET `{id}/policy` is anonymous and returns the stored file as `text/xml`; 404 with
 *   "Unable to find resource" or "Unable to find requested policy" otherwise.
 * - GET `{id}/policy/rules` and `{id}/policy/rights` flatten the stored policy; 404 without one.
 */
const BASE = "/resourceregistry/api/v1/resource";
const APP_PREFIX = "app_";

export const policyRoutes: RouteModule = (router, ctx) => {
  const write = (req: SimRequest) => {
    if (!isMultipart(req)) return statusProblem(415);
    return withWriteToken(ctx, req, (claims) => writePolicy(ctx, req, claims));
  };
  router.on("POST", `${BASE}/{id}/policy`, write);
  router.on("PUT", `${BASE}/{id}/policy`, write);
  router.on("GET", `${BASE}/{id}/policy`, (req) => {
    const resource = findResource(ctx.state, req.params.id!);
    if (!resource) return negotiatedString(req, 404, "Unable to find resource");
    const xml = storedPolicy(ctx, req.params.id!);
    if (xml === undefined) return negotiatedString(req, 404, "Unable to find requested policy");
    return {
      status: 200,
      headers: {
        "content-type": "text/xml",
        "content-disposition": "attachment; filename=policy.xml; filename*=UTF-8''policy.xml",
      },
      body: xml,
    };
  });
  router.on("GET", `${BASE}/{id}/policy/rules`, (req) =>
    withFlatRules(ctx, req, (rules) => json(200, rules)),
  );
  router.on("GET", `${BASE}/{id}/policy/rights`, (req) =>
    withFlatRules(ctx, req, (rules) => json(200, rights(rules))),
  );
};

async function writePolicy(
  ctx: SimContext,
  req: SimRequest,
  claims: JWTPayload,
): Promise<SimResponse> {
  const xml = await policyFile(req);
  if (xml === undefined) return json(400, "The policy file can not be null");
  const id = req.params.id!;
  const resource = findResource(ctx.state, id);
  const current = resource?.versions[resource.versions.length - 1];
  if (!current) return json(400, "Unknown resource");
  const owner = current.hasCompetentAuthority as Record<string, unknown> | undefined;
  if (!hasWriteAccess(claims, owner?.organization)) return empty(403);
  let policy: XacmlPolicy;
  try {
    policy = readXacml(xml);
  } catch (error) {
    if (error instanceof XacmlSyntaxError) {
      return statusProblem(500);
    }
    throw error;
  }
  const rejection = ruleCheck(current, policy);
  if (rejection) return json(400, rejection);
  for (const key of Object.keys(ctx.state.policies)) {
    if (key.toLowerCase() === current.identifier.toLowerCase()) delete ctx.state.policies[key];
  }
  ctx.state.policies[current.identifier] = xml;
  ctx.changed();
  return empty(201, { location: `${id}/policy` });
}

/** PolicyHelper.EnsureValidPolicy: each rule names this resource (an app: its org and app). */
function ruleCheck(resource: ServiceResourceDoc, policy: XacmlPolicy): string | undefined {
  const id = resource.identifier;
  const appParts = id.startsWith(APP_PREFIX) ? id.split("_") : [];
  for (const rule of policy.rules) {
    const matches = resourceMatchesOf(rule);
    if (matches.some((m) => m.attributeId === "urn:altinn:resource" && m.value !== id)) {
      return "Policy not accepted: Contains rules for a different registry resource";
    }
    let referenced = matches.some((m) => m.attributeId === "urn:altinn:resource" && m.value === id);
    if (!referenced && appParts.length === 3) {
      const [, org, app] = appParts as [string, string, string];
      const has = (attribute: string, value: string) =>
        matches.some(
          (m) => m.attributeId === attribute && m.value.toLowerCase() === value.toLowerCase(),
        );
      referenced = has("urn:altinn:org", org) && has("urn:altinn:app", app);
    }
    if (!referenced) {
      return "Policy not accepted: Contains rule without reference to registry resource id";
    }
  }
  return undefined;
}

function storedPolicy(ctx: SimContext, id: string): string | undefined {
  const key = Object.keys(ctx.state.policies).find((k) => k.toLowerCase() === id.toLowerCase());
  return key === undefined ? undefined : ctx.state.policies[key];
}

function withFlatRules(
  ctx: SimContext,
  req: SimRequest,
  respond: (rules: FlatRule[]) => SimResponse,
): SimResponse {
  const xml = storedPolicy(ctx, req.params.id!);
  if (xml === undefined) return statusProblem(404);
  try {
    return respond(flattenRules(readXacml(xml)));
  } catch {
    return statusProblem(500);
  }
}

/** PolicyHelper.ConvertToPolicyRight: rules grouped by action and resource, with their subjects. */
function rights(rules: FlatRule[]): unknown[] {
  const byKey = new Map<
    string,
    { action: FlatRule["action"]; resource: FlatRule["resource"]; subjects: FlatRule["subject"][] }
  >();
  for (const rule of rules) {
    const key = rightKey(rule);
    const right = byKey.get(key) ?? { action: rule.action, resource: rule.resource, subjects: [] };
    right.subjects.push(rule.subject);
    byKey.set(key, right);
  }
  return [...byKey.entries()].map(([key, right]) => ({
    action: right.action,
    resource: right.resource,
    subjects: right.subjects.map((subjectAttributes) => ({ subjectAttributes })),
    rightKey: key,
    subjectTypes: [
      ...new Set(right.subjects.flat().map((attribute) => attribute.type.toLowerCase())),
    ].sort(),
  }));
}

/** PolicyRight.RightKey: action;resource values;MD5 (UTF-16) of action;resource URNs. */
function rightKey(rule: FlatRule): string {
  const resources = [...rule.resource].sort((a, b) =>
    `${a.type}:${a.value}` < `${b.type}:${b.value}` ? -1 : 1,
  );
  const hashed = [rule.action.value, ...resources.map((r) => `${r.type}:${r.value}`)].join(";");
  const hash = createHash("md5").update(Buffer.from(hashed, "utf16le")).digest("hex");
  return [rule.action.value, ...resources.map((r) => r.value), hash].join(";");
}

function isMultipart(req: SimRequest): boolean {
  return /^multipart\/form-data\s*;/i.test(String(req.headers["content-type"] ?? ""));
}

/** The first file part named policyFile, as ASP.NET binds an IFormFile parameter. */
function policyFile(req: SimRequest): Promise<string | undefined> {
  return new Promise((resolve) => {
    let found: Buffer[] | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers });
    } catch {
      resolve(undefined);
      return;
    }
    parser.on("file", (name, stream) => {
      if (name !== "policyFile" || found) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      found = chunks;
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    });
    parser.on("close", () => resolve(found ? Buffer.concat(found).toString("utf8") : undefined));
    parser.on("error", () => resolve(undefined));
    parser.end(req.body);
  });
}

/**
 * A string result without [Produces]: ASP.NET writes it as text/plain unless the client's Accept
 * header prefers JSON (and ignores Accept altogether when it contains *\/*).
 */
function negotiatedString(req: SimRequest, status: number, message: string): SimResponse {
  const accept = String(req.headers.accept ?? "")
    .split(",")
    .map((part) => {
      const [type, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { type: type!.trim(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.type !== "" && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  if (!accept.some((entry) => entry.type === "*/*")) {
    for (const { type } of accept) {
      if (type === "text/plain" || type === "text/*") break;
      if (/^(application|text)\/(json|[\w.-]+\+json)$/.test(type) || type === "application/*") {
        return json(status, message);
      }
    }
  }
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: message,
  };
}
