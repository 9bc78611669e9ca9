import type { ProviderContext } from "../../lib/context";
import { isApiError } from "../../lib/errors";
import { clientSnapshot, listClients } from "./clients";
import { clientSchema, type ClientRegistration } from "./model";
import { selfServiceCall, type SelfServiceAnswer } from "./service";

/**
 * POST /clients. The server picks the client_id, so a POST is not idempotent: when its answer
 * does not come, the org's clients are listed to learn whether it made one (docs/decisions.md,
 * 2026-11-29 "A Maskinporten client create posts first").
 */

/**
 * How much earlier than this machine's clock Digdir's clock may stamp a client's `created`: a
 * client made by a create is looked for among those created since the attempt began, and the two
 * clocks are not the same clock. Two minutes covers a machine that is not synchronised to the
 * second while keeping the window in which a stranger's same-named client could count small.
 */
export const CLOCK_TOLERANCE_MS = 120_000;

/** What identifies the client a create made, besides the id the server picked. */
export type ClientIdentity = Pick<
  ClientRegistration,
  "client_name" | "description" | "integration_type"
>;

/**
 * The clients a create of `identity` that began at `attemptedAt` may have made: the same name,
 * description and integration type, created no earlier than the attempt began (less
 * CLOCK_TOLERANCE_MS). A client made before the attempt never counts, nor one whose `created` the
 * list does not give (Oslo kommune's fixture of the list shows it on every client, as
 * `2021-09-15T10:20:43.354+02:00`).
 */
export function madeByAttempt(
  clients: readonly ClientRegistration[],
  identity: ClientIdentity,
  attemptedAt: string,
): ClientRegistration[] {
  const since = Date.parse(attemptedAt) - CLOCK_TOLERANCE_MS;
  return clients.filter(
    (c) =>
      c.client_name === identity.client_name &&
      c.description === identity.description &&
      c.integration_type === identity.integration_type &&
      typeof c.created === "string" &&
      Date.parse(c.created) >= since,
  );
}

/** What a create came to. */
export type CreateOutcome =
  /** The server answered with the new client. */
  | { kind: "created"; client: ClientRegistration }
  /** The answer was lost; a list found the one client the attempt made. */
  | { kind: "found"; client: ClientRegistration }
  /**
   * Nothing can say whether the attempt made a client: the answer was lost and the list failed
   * too, or the list shows several clients the attempt could have made. `cause` says which.
   */
  | { kind: "unconfirmed"; attemptedAt: string; cause: Error };

/**
 * Whether a failed POST may have been carried out all the same: no answer came (a dropped
 * connection, a time-out; not a refused connection, which never reached the server), or a 5xx,
 * which a gateway can answer after the service acted. A 4xx or 429 is a refusal before acting.
 */
function mayHaveActed(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.status === 0) return !error.detail.startsWith("ECONNREFUSED");
  return error.status >= 500;
}

/** What the list after the latest failed attempt showed. */
type Lookup = { made: ClientRegistration[] } | { failed: unknown };

/**
 * POST /clients, retried only after a list shows the failed attempt made nothing. When the last
 * attempt's outcome is unknown, one more list settles it: the client it made is `found`, none
 * means the error is thrown (nothing was made), and a failed list leaves it `unconfirmed`.
 */
export async function createClient(
  ctx: ProviderContext,
  registration: ClientRegistration,
): Promise<CreateOutcome> {
  clientSnapshot.forget(ctx);
  const attemptedAt = new Date(ctx.now()).toISOString();
  // Undefined when no list followed the latest failed attempt.
  let lookup: Lookup | undefined;
  const lookUp = async (): Promise<ClientRegistration[]> => {
    try {
      const made = madeByAttempt(await listClients(ctx), registration, attemptedAt);
      lookup = { made };
      return made;
    } catch (error) {
      lookup = { failed: error };
      throw error;
    }
  };
  let response: SelfServiceAnswer;
  try {
    response = await selfServiceCall(ctx, {
      operation: `create client "${registration.client_name}"`,
      method: "POST",
      path: "/clients",
      body: registration,
      safeToRetry: async () => {
        if ((await lookUp()).length > 0) return false;
        lookup = undefined;
        return true;
      },
    });
  } catch (error) {
    const unknownOutcome = mayHaveActed(error);
    if (lookup === undefined) {
      if (!unknownOutcome) throw error;
      await lookUp().catch(() => undefined);
    } else if ("failed" in lookup && !unknownOutcome) {
      // Refused: every attempt before this one was followed by a list that showed nothing.
      throw error;
    }
    return settle(registration, attemptedAt, error as Error, lookup!);
  }
  const created = response.body(clientSchema);
  if (typeof created.client_id !== "string") {
    throw new Error("Digdir self-service: the create response has no client_id");
  }
  return { kind: "created", client: created };
}

/** The outcome of a create whose last answer was lost, from the list that followed it. */
function settle(
  registration: ClientRegistration,
  attemptedAt: string,
  error: Error,
  lookup: Lookup,
): CreateOutcome {
  if ("failed" in lookup) {
    const listError =
      lookup.failed instanceof Error ? lookup.failed.message : String(lookup.failed);
    return {
      kind: "unconfirmed",
      attemptedAt,
      cause: new Error(
        `${error.message}\nlisting the organisation's clients to learn whether it made one failed too: ${listError}`,
      ),
    };
  }
  const [only, ...more] = lookup.made;
  if (only === undefined) throw error;
  if (more.length === 0) return { kind: "found", client: only };
  return {
    kind: "unconfirmed",
    attemptedAt,
    cause: new Error(
      `${error.message}\n${lookup.made.length} clients named "${registration.client_name}" with this description were made since the attempt began (${lookup.made.map((c) => String(c.client_id)).join(", ")}): which one it made cannot be told`,
    ),
  };
}
