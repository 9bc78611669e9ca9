import { isApiError } from "../../providers/lib/errors";
import { PartialCreateError } from "../../providers/lib/provider";
import { createdInThisProcess } from "../../providers/api/self-service";
import { maskinportenClientImplementation as impl } from "../../providers/maskinporten-client";
import { DEMO_ORGNR } from "../../simulator/state";
import { failure } from "../support/failure";
import { ScriptedFaults, type ScriptedFault } from "../support/faults";
import { selfServiceContext } from "../support/self-service";
import { lastSeq, useSimulator } from "../support/simulator";

/**
 * A MaskinportenClient create whose answer is lost, against the simulator's self-service API with
 * faults at exact calls: the client the POST made is found by a list and taken over; when the list
 * fails too the create is recorded as unconfirmed, and the next up's diff, delete and create (as
 * the engine calls them) end with the one client; refresh takes it over instead. A same-named
 * client made before the attempt is never deleted or taken over. What it does not prove: that the
 * engine calls these methods in this order (test/e2e/maskinporten-client-lost-create.e2e.test.ts).
 */

const simulator = useSimulator();
const CLIENTS = "/selfservice/api/v1/clients";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

const resolved = {
  clientName: "melding sender",
  description: "Sends Altinn messages",
  scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
  integrationType: "maskinporten",
  applicationType: "web",
  tokenEndpointAuthMethod: "private_key_jwt",
  grantTypes: [JWT_BEARER],
};

/** Every retry policy here makes 3 attempts: a list fails after 3 lost answers. */
const LIST_FAILS: ScriptedFault[] = ["lost-response", "lost-response", "lost-response"];

let warnings: string[];
let seeded: Set<string>;

/** A provider process whose clock stands at `nowMs`, so the attempt time is known exactly. */
function context(nowMs = Date.now()) {
  return selfServiceContext(simulator(), { now: () => nowMs, warn: (m) => warnings.push(m) });
}

/** `script` from the create's POST on: the list before it (the natural key) gets no fault. */
function faults(...script: ScriptedFault[]): void {
  simulator().context.faults = new ScriptedFaults(CLIENTS, ["none", ...script]);
}

/** The self-service calls since `seq`, with `ids` written as their names. */
function selfServiceCalls(seq: number, ids: Record<string, string> = {}): string[] {
  return simulator()
    .calls.filter((c) => c.seq > seq && c.path.startsWith("/selfservice/"))
    .map((c) => {
      let path = c.path;
      for (const [name, id] of Object.entries(ids)) path = path.replace(id, `{${name}}`);
      return `${c.method} ${path} ${c.status}`;
    });
}

/** The org's clients other than the simulator's own (the demo org's provisioning and admin clients). */
function orgClientIds(): string[] {
  return Object.values(simulator().context.state.clients)
    .filter((c) => c.client_orgno === DEMO_ORGNR && !seeded.has(c.client_id))
    .map((c) => c.client_id)
    .sort();
}

/** Ids of the org's clients named as the declared one, other than the seeded ones. */
function madeClientIds(): string[] {
  return Object.values(simulator().context.state.clients)
    .filter((c) => c.client_name === resolved.clientName && c.client_id !== "made-before")
    .map((c) => c.client_id);
}

/**
 * A same-named client made in Samarbeidsportalen ten minutes before any attempt here, with another
 * description: not the declared natural key, so a create does not take it over.
 */
async function sameNamedClientMadeBefore(): Promise<void> {
  const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
  await fetch(`${simulator().url}/__admin/clients`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "made-before",
      client_orgno: DEMO_ORGNR,
      client_name: resolved.clientName,
      description: "Made by hand in Samarbeidsportalen",
      scopes: ["altinn:serviceowner"],
      created: tenMinutesAgo,
      last_updated: tenMinutesAgo,
    }),
  });
}

const LOST = "ECONNRESET: socket hang up";
const POST_LOST = `Digdir self-service: create client "melding sender" failed (POST ${CLIENTS} -> no response): ${LOST}`;
const LIST_LOST = `Digdir self-service: list the organisation's clients failed (GET ${CLIENTS} -> no response): ${LOST}`;
const RECORDED =
  "The client is recorded as unconfirmed: the next pulumi up deletes the client this attempt made, if it made one, and creates it again " +
  "(in a protected stack run pulumi refresh first, which takes that client over or forgets the attempt)";

/** A create whose answer and list are lost, as the engine records it. */
async function unconfirmedCreate(
  attemptMs: number,
  ...script: ScriptedFault[]
): Promise<PartialCreateError> {
  faults(...script);
  const error = await failure(impl.create(context(attemptMs), resolved));
  simulator().context.faults = undefined;
  if (!(error instanceof PartialCreateError)) throw error;
  return error;
}

beforeEach(async () => {
  await fetch(`${simulator().url}/__admin/reset?confirm=all`, { method: "POST" });
  simulator().context.faults = undefined;
  warnings = [];
  seeded = new Set(Object.keys(simulator().context.state.clients));
});

describe("MaskinportenClient create with a lost answer", () => {
  it("takes over the client the POST made, found by one list, without a second POST", async () => {
    faults("lost-response");
    const ctx = context();
    const created = await impl.create(ctx, resolved);
    const [made] = madeClientIds();
    expect(orgClientIds()).toStrictEqual([made]);
    expect(created).toStrictEqual({
      id: made,
      outs: { ...resolved, clientId: made, clientOrgno: DEMO_ORGNR },
    });
    expect(selfServiceCalls(0)).toStrictEqual([
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 0`,
      `GET ${CLIENTS} 200`,
    ]);
    expect(warnings).toStrictEqual([
      `the answer to the create of client "melding sender" was lost: the client it made (${made}) is taken over, not created again`,
    ]);
    // Not made by this process as far as it knows: its key resource reads the key set first.
    expect(createdInThisProcess(ctx, made!)).toBe(false);
  });

  it("settles a lost last answer with one more list", async () => {
    faults("503", "none", "503", "none", "lost-response");
    const created = await impl.create(context(), resolved);
    const [made] = madeClientIds();
    expect(orgClientIds()).toStrictEqual([made]);
    expect(created.id).toBe(made);
    expect(selfServiceCalls(0)).toStrictEqual([
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 503`,
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 503`,
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 0`,
      `GET ${CLIENTS} 200`,
    ]);
  });

  it("fails with the server's error, recording nothing, when the lists show no client was made", async () => {
    faults("503", "none", "503", "none", "503");
    const error = await failure(impl.create(context(), resolved));
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect(isApiError(error) && error.status).toBe(503);
    expect(orgClientIds()).toStrictEqual([]);
    expect(selfServiceCalls(0)).toStrictEqual([
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 503`,
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 503`,
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 503`,
      `GET ${CLIENTS} 200`,
    ]);
  });

  it("records the create as unconfirmed when the list shows several clients it could have made", async () => {
    // Check lists the org's clients; then someone makes a client of the same name and
    // description in Samarbeidsportalen, just as the attempt begins.
    const ctx = context();
    faults("lost-response");
    expect((await impl.check(ctx, {}, { ...resolved, __provider: "p" })).failures).toStrictEqual(
      [],
    );
    await fetch(`${simulator().url}/__admin/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "made-meanwhile",
        client_orgno: DEMO_ORGNR,
        client_name: resolved.clientName,
        description: resolved.description,
      }),
    });
    const error = await failure(impl.create(ctx, resolved));
    const [lost] = madeClientIds().filter((id) => id !== "made-meanwhile");
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error.message).toBe(
      `${POST_LOST}\n2 clients named "melding sender" with this description were made since the attempt began (made-meanwhile, ${lost}): which one it made cannot be told\n${RECORDED}`,
    );
    expect(selfServiceCalls(0)).toStrictEqual([
      `GET ${CLIENTS} 200`,
      "GET /selfservice/api/v1/scopes/access/all 200",
      `POST ${CLIENTS} 0`,
      `GET ${CLIENTS} 200`,
    ]);
  });

  it("fails with the error, recording nothing, when the API refuses the connection", async () => {
    const ctx = context();
    ctx.settings.endpoints = { ...ctx.settings.endpoints, selfService: "http://127.0.0.1:1" };
    const error = await failure(impl.create(ctx, resolved));
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect(isApiError(error) && [error.status, error.detail.split(":")[0]]).toStrictEqual([
      0,
      "ECONNREFUSED",
    ]);
  });

  it("rejects a refused create after the one list of the natural key", async () => {
    const error = await failure(
      impl.create(context(), { ...resolved, scopes: ["altinn:instances.read"] }),
    );
    expect(isApiError(error) && error.status).toBe(400);
    expect(selfServiceCalls(0)).toStrictEqual([`GET ${CLIENTS} 200`, `POST ${CLIENTS} 400`]);
  });
});

describe("MaskinportenClient unconfirmed create", () => {
  it("is recorded when the answer and the list are both lost, then the next up deletes what it made and creates the one client", async () => {
    await sameNamedClientMadeBefore();
    const before = structuredClone(simulator().context.state.clients["made-before"]);
    const attemptMs = Date.now();
    const attemptedAt = new Date(attemptMs).toISOString();

    const error = await unconfirmedCreate(attemptMs, "lost-response", ...LIST_FAILS);
    const [lost] = madeClientIds();
    expect(selfServiceCalls(0)).toStrictEqual([
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 0`,
      `GET ${CLIENTS} 0`,
      `GET ${CLIENTS} 0`,
      `GET ${CLIENTS} 0`,
    ]);
    expect(error.id).toBe(`unconfirmed:${attemptedAt}`);
    expect(error.properties).toStrictEqual({ ...resolved, createAttemptedAt: attemptedAt });
    expect(error.message).toBe(
      `${POST_LOST}\nlisting the organisation's clients to learn whether it made one failed too: ${LIST_LOST}\n${RECORDED}`,
    );

    // The next up, in a new provider process: a replacement that deletes first.
    const next = context();
    const seq = lastSeq(simulator());
    expect(await impl.diff(next, error.id, error.properties, resolved)).toStrictEqual({
      changes: true,
      replaces: ["clientId"],
      deleteBeforeReplace: true,
    });
    expect(warnings).toStrictEqual([
      `the create of client "melding sender" at ${attemptedAt} was not confirmed: up deletes the client it made, if it made one, and creates the client again ` +
        "(a protected stack cannot replace it: run pulumi refresh first, which takes that client over or forgets the attempt)",
    ]);
    await impl.delete(next, error.id, error.properties);
    const created = await impl.create(next, resolved);

    expect(orgClientIds()).toStrictEqual(["made-before", created.id].sort());
    expect(created.id).not.toBe(lost);
    expect(created.outs).toStrictEqual({
      ...resolved,
      clientId: created.id,
      clientOrgno: DEMO_ORGNR,
    });
    expect(selfServiceCalls(seq, { lost: lost!, created: created.id })).toStrictEqual([
      `GET ${CLIENTS} 200`,
      `DELETE ${CLIENTS}/{lost} 200`,
      `GET ${CLIENTS} 200`,
      `POST ${CLIENTS} 200`,
    ]);
    expect(simulator().context.state.clients["made-before"]).toStrictEqual(before);
    expect(createdInThisProcess(next, created.id)).toBe(true);
  });

  it("deletes nothing when the attempt made nothing, leaving a same-named client made before", async () => {
    await sameNamedClientMadeBefore();
    const before = structuredClone(simulator().context.state.clients["made-before"]);
    // A 503 comes before the service acts; the list after it fails, so nothing can tell.
    const error = await unconfirmedCreate(Date.now(), "503", ...LIST_FAILS);
    expect(madeClientIds()).toStrictEqual([]);

    const seq = lastSeq(simulator());
    await impl.delete(context(), error.id, error.properties);
    expect(selfServiceCalls(seq)).toStrictEqual([`GET ${CLIENTS} 200`]);
    expect(orgClientIds()).toStrictEqual(["made-before"]);
    expect(simulator().context.state.clients["made-before"]).toStrictEqual(before);
  });

  it("is taken over by refresh: the client the attempt made becomes the id", async () => {
    await sameNamedClientMadeBefore();
    const error = await unconfirmedCreate(Date.now(), "lost-response", ...LIST_FAILS);
    const [lost] = madeClientIds();
    const seq = lastSeq(simulator());
    expect(await impl.read(context(), error.id, error.properties)).toStrictEqual({
      id: lost,
      props: { ...resolved, clientId: lost, clientOrgno: DEMO_ORGNR },
      inputs: resolved,
    });
    expect(selfServiceCalls(seq)).toStrictEqual([`GET ${CLIENTS} 200`]);
    expect(warnings).toStrictEqual([
      `client "melding sender" was recorded as unconfirmed: the client its create made (${lost}) is taken over`,
    ]);
  });

  it("is gone at refresh when the attempt made nothing, so the next up creates it", async () => {
    await sameNamedClientMadeBefore();
    const error = await unconfirmedCreate(Date.now(), "503", ...LIST_FAILS);
    expect(await impl.read(context(), error.id, error.properties)).toStrictEqual({});
    expect(orgClientIds()).toStrictEqual(["made-before"]);
  });

  it("fails to delete, naming them, when several clients could be the one the attempt made", async () => {
    const error = await unconfirmedCreate(Date.now(), "lost-response", ...LIST_FAILS);
    const [lost] = madeClientIds();
    // Someone makes a client of the same name in Samarbeidsportalen after the attempt.
    await fetch(`${simulator().url}/__admin/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "made-after",
        client_orgno: DEMO_ORGNR,
        client_name: resolved.clientName,
        description: resolved.description,
      }),
    });
    const several =
      `the create of client "melding sender" at ${String(error.properties.createAttemptedAt)} was not confirmed, and 2 clients with its name and description were made since (${lost}, made-after): ` +
      "which one it made cannot be told, so none is deleted or taken over. Delete the one this stack made in Samarbeidsportalen (it has no keys), " +
      "then forget the attempt with pulumi state delete '<this resource's URN>' (pulumi stack --show-urns lists them) and run pulumi up again";
    const seq = lastSeq(simulator());
    await expect(impl.delete(context(), error.id, error.properties)).rejects.toThrow(several);
    expect(await impl.read(context(), error.id, error.properties)).toStrictEqual({
      id: error.id,
      props: error.properties,
    });
    expect(warnings).toStrictEqual([several]);
    expect(selfServiceCalls(seq)).toStrictEqual([`GET ${CLIENTS} 200`, `GET ${CLIENTS} 200`]);
    expect(orgClientIds()).toStrictEqual([lost, "made-after"].sort());
  });
});
