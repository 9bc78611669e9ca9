import { buildPolicyXml } from "../../policies/build";
import type { Policy } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import type { Simulator } from "../../simulator/server";
import type { SimWebhook } from "../../simulator/state";
import { admin } from "./access-lists";

/** Helpers for Events tests: resources with policies in the simulator, webhook receivers. */

export const SUBSCRIPTIONS = "/events/api/v1/subscriptions";

/** The correspondence template's policy for the demo org: the owner may write and subscribe. */
export const SUBSCRIBABLE_POLICY = correspondencePolicy("digdir", {
  recipients: { roles: ["DAGL"] },
});

/** A correspondence resource of `orgcode` in the simulator, with `policy` when given. */
export async function seedResource(
  simulator: Simulator,
  id: string,
  policy: Policy | undefined,
  owner: { organization: string; orgcode: string } = {
    organization: "991825827",
    orgcode: "digdir",
  },
  /** More fields of the resource document, such as its title. */
  fields: Record<string, unknown> = {},
): Promise<void> {
  await admin(simulator, "PUT", `/__admin/resources/${id}`, {
    ...fields,
    identifier: id,
    resourceType: "CorrespondenceService",
    hasCompetentAuthority: owner,
  });
  if (policy) {
    const response = await fetch(`${simulator.url}/__admin/policies/${id}`, {
      method: "PUT",
      body: buildPolicyXml(policy, { resourceId: id }),
    });
    if (!response.ok) throw new Error(`admin PUT policy ${id}: ${response.status}`);
  }
}

export async function webhook(simulator: Simulator, name: string): Promise<SimWebhook> {
  return (await (await fetch(`${simulator.url}/webhooks/${name}`)).json()) as SimWebhook;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
