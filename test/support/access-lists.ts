import { createContext } from "../../providers/auth/context";
import { simulatorEndpoints } from "../../providers/lib/environments";
import type { Simulator } from "../../simulator/server";
import { demoPublicJwk } from "../../simulator/state";
import { DEMO_KEY_ID, DEMO_PRIVATE_KEY } from "./simulator";

/** Helpers for access-list tests: raw API calls, tokens of other orgs, member fixtures. */

export const LISTS = "/resourceregistry/api/v1/access-lists";

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, the text otherwise ("" when empty). */
  body: unknown;
}

export async function rawCall(
  simulator: Simulator,
  method: string,
  path: string,
  options: { token?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get("content-type") ?? "") && text !== "";
  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? (JSON.parse(text) as unknown) : text,
  };
}

export async function admin(
  simulator: Simulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<void> {
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status}`);
}

/**
 * An Altinn token of a Maskinporten client of organisation `orgnr`, registered in the simulator with
 * the demo key and granted `scopes`.
 */
export async function altinnTokenOf(
  simulator: Simulator,
  client: { clientId: string; orgnr: string; scopes: string[] },
): Promise<string> {
  await admin(simulator, "POST", "/__admin/clients", {
    client_id: client.clientId,
    client_orgno: client.orgnr,
    scopes: client.scopes,
    jwks: [demoPublicJwk()],
  });
  await admin(simulator, "POST", "/__admin/scope-grants", {
    orgnr: client.orgnr,
    scopes: client.scopes,
  });
  const ctx = createContext(
    {
      environment: "local",
      endpoints: simulatorEndpoints(simulator.url),
      credentials: { clientId: client.clientId, keyId: DEMO_KEY_ID, privateKey: DEMO_PRIVATE_KEY },
    },
    { warn: () => undefined },
  );
  return ctx.tokens.altinnToken(client.scopes);
}

/** `count` distinct organisation numbers from `first` on. */
export function orgNumbers(count: number, first = 910_000_000): string[] {
  return Array.from({ length: count }, (_, i) => String(first + i));
}

/** The member URN the API takes for an organisation number. */
export function orgUrn(orgnr: string): string {
  return `urn:altinn:organization:identifier-no:${orgnr}`;
}

/** A ProblemDetails body without its random traceId (checked to be present). */
export function withoutTraceId(body: unknown): Record<string, unknown> {
  const { traceId, ...rest } = body as Record<string, unknown>;
  expect(traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  return rest;
}
