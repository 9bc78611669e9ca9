import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import { simulatorEndpoints } from "../../providers/lib/environments";
import type { VerificationTarget } from "../../providers/verification/target";
import { verify } from "../../providers/verification/verify";
import { parseArgs } from "../../verify/cli";
import {
  DEMO_CLIENT_ID,
  DEMO_KEY_ID,
  DEMO_ORG,
  DEMO_ORGNR,
  DEMO_PRIVATE_KEY,
  useSimulator,
} from "../support/simulator";

const RESOURCE = "digdir-verify-melding";
const getSimulator = useSimulator();

function target(overrides: Partial<VerificationTarget> = {}): VerificationTarget {
  return {
    environment: "local",
    endpoints: simulatorEndpoints(getSimulator().url),
    orgCode: DEMO_ORG,
    resourceId: RESOURCE,
    credentials: { clientId: DEMO_CLIENT_ID, keyId: DEMO_KEY_ID, privateKey: DEMO_PRIVATE_KEY },
    recipient: "310654321",
    ...overrides,
  };
}

/** A pause that moves the simulator's clock instead of waiting (Events lists events after 30 s). */
async function advanceClock(ms: number): Promise<void> {
  await fetch(`${getSimulator().url}/__admin/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: ms / 1000 }),
  });
}

beforeEach(() => {
  const state = getSimulator().context.state;
  state.correspondences = {};
  state.resources = {
    [RESOURCE]: {
      versions: [
        {
          identifier: RESOURCE,
          resourceType: "CorrespondenceService",
          hasCompetentAuthority: { organization: DEMO_ORGNR, orgcode: DEMO_ORG },
        },
      ],
    },
  };
  state.policies = {
    [RESOURCE]: buildPolicyXml(
      correspondencePolicy(DEMO_ORG, { recipients: { roles: ["DAGL"] } }),
      { resourceId: RESOURCE },
    ),
  };
});

describe("verify", () => {
  it("sends a test message under both token schemes and reads its status", async () => {
    const report = await verify(target(), { sleep: advanceClock });
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c.ok]));
    expect(byName).toMatchObject({
      "Maskinporten token": true,
      "Altinn token": true,
      "send (Altinn token)": true,
      "send (Maskinporten token)": true,
      status: true,
      policy: true,
    });
    const stored = Object.values(getSimulator().context.state.correspondences);
    expect(stored.map((c) => [c.correspondenceId, c.recipient])).toStrictEqual([
      [report.correspondenceId, "urn:altinn:organization:identifier-no:310654321"],
    ]);
  });

  it("polls the events with the after cursor, the message's types and recipient until Events lists them (30 s)", async () => {
    const pauses: number[] = [];
    const report = await verify(target(), {
      sleep: async (ms) => {
        pauses.push(ms);
        await advanceClock(ms);
      },
    });
    expect(report.checks.find((c) => c.name === "events")).toStrictEqual({
      name: "events",
      ok: true,
      detail:
        "the message's events arrived: no.altinn.correspondence.correspondenceinitialized, no.altinn.correspondence.correspondencepublished",
    });
    // Not visible before 30 s had passed: six pauses of 5 s.
    expect(pauses).toStrictEqual([5_000, 5_000, 5_000, 5_000, 5_000, 5_000]);
    const reads = getSimulator()
      .calls.filter((c) => c.path === "/events/api/v1/events")
      .map((c) => new URLSearchParams(c.query));
    expect(reads[0]!.getAll("type")).toStrictEqual([
      "no.altinn.correspondence.correspondenceinitialized",
      "no.altinn.correspondence.correspondencepublished",
    ]);
    expect(reads[0]!.get("subject")).toBe("urn:altinn:organization:identifier-no:310654321");
    expect(reads.map((r) => r.get("after"))).toContain(getSimulator().context.state.events[1]!.id);
  });

  it("passes with a warning when the events are not listed within the wait", async () => {
    getSimulator().context.state.subscriptions["1"] = {
      id: 1,
      endPoint: "https://example.org/events",
      resourceFilter: `urn:altinn:resource:${RESOURCE}`,
      includeSubunits: false,
      consumer: `/org/${DEMO_ORG}`,
      createdBy: `/org/${DEMO_ORG}`,
      created: new Date().toISOString(),
      validated: true,
    };
    const report = await verify(target(), { eventsWaitMs: 0 });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === "events")).toStrictEqual({
      name: "events",
      ok: true,
      warning: true,
      detail: `no event of correspondence ${report.correspondenceId} listed after 0 s: Altinn Events lists an event only 30 s after it is registered, so this is not a failure; \`npm run verify\` later shows them (the send itself passed)`,
    });
  });

  it("fails the policy check when the owner's write is removed, explaining the bypass", async () => {
    getSimulator().context.state.policies[RESOURCE] = buildPolicyXml(
      parsePolicyModel({
        rules: [
          { subjects: [{ role: "DAGL" }], actions: ["read"] },
          { subjects: [{ org: DEMO_ORG }], actions: ["subscribe"] },
        ],
      }),
      { resourceId: RESOURCE },
    );
    const report = await verify(target(), { eventsWaitMs: 0 });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === "policy")).toStrictEqual({
      name: "policy",
      ok: false,
      detail: expect.stringContaining(
        `the policy does not permit the owner (urn:altinn:org ${DEMO_ORG}) write.`,
      ),
    });
  });

  it("fails with Correspondence's 1029 when the recipient is not in the register", async () => {
    const report = await verify(target({ recipient: "999999999" }));
    expect(report.ok).toBe(false);
    const send = report.checks.find((c) => c.name === "send (Altinn token)")!;
    expect(send.ok).toBe(false);
    expect(send.detail).toContain("CORR-01029");
    expect(send.detail).toContain("Could not find partyId for the following recipients");
  });

  it("retries the token on invalid_grant while a new key propagates, then gives up", async () => {
    const lines: string[] = [];
    const report = await verify(
      target({
        credentials: {
          clientId: DEMO_CLIENT_ID,
          keyId: "not-yet-there",
          privateKey: DEMO_PRIVATE_KEY,
        },
      }),
      {
        keyPropagationMs: 30,
        retryIntervalMs: 10,
        sleep: async () => undefined,
        log: (l) => lines.push(l),
      },
    );
    expect(report.checks).toStrictEqual([
      { name: "Maskinporten token", ok: false, detail: expect.stringContaining("MP-122") },
    ]);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/invalid_grant.*up to 2 minutes/);
  });

  it("rejects prod without --allow-prod", async () => {
    await expect(verify(target({ environment: "prod" }))).rejects.toThrow(
      "verification sends a real message: in prod it runs only with --allow-prod",
    );
    expect(parseArgs(["--stack", "prod", "--allow-prod"])).toStrictEqual({
      stack: "prod",
      allowProd: true,
    });
  });
});
