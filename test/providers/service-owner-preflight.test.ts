import { decodeJwt } from "jose";
import { selfServiceFailures, type PreflightInputs } from "../../providers/service-owner-preflight";
import { DEMO_SELF_SERVICE_CLIENT_ID } from "../../simulator/state";
import { selfServiceContext } from "../support/self-service";
import { lastSeq, useSimulator } from "../support/simulator";

/** The preflight's check of Digdir's self-service admin client: its scopes per operation. */

const simulator = useSimulator();
const INPUTS: PreflightInputs = {
  orgCode: "digdir",
  orgNumber: "991825827",
  scopes: [],
  selfService: true,
};

function context(selfServiceScopes?: string[]) {
  const ctx = selfServiceContext(simulator());
  if (selfServiceScopes) ctx.settings.selfServiceScopes = selfServiceScopes;
  return ctx;
}

describe("ServiceOwnerPreflight self-service scopes", () => {
  it("passes with dcr.read and dcr.write in one token, as digdirator asks", async () => {
    const before = lastSeq(simulator());
    expect(await selfServiceFailures(context(), INPUTS)).toStrictEqual([]);
    const tokens = simulator().calls.filter(
      (c) => c.seq > before && c.path === "/maskinporten/token",
    );
    expect(
      tokens.map((c) => decodeJwt(new URLSearchParams(c.body).get("assertion")!).scope),
    ).toStrictEqual(["idporten:dcr.read idporten:dcr.write"]);
  });

  it("names each operation the configured scopes do not cover, before asking for a token", async () => {
    const before = lastSeq(simulator());
    expect(
      await selfServiceFailures(context(["idporten:dcr.read", "idporten:dcr.modify"]), INPUTS),
    ).toStrictEqual([
      {
        property: "selfService",
        reason:
          "altinn-iac:selfServiceScopes (idporten:dcr.read idporten:dcr.modify) does not cover what managing Maskinporten clients needs: create clients needs idporten:dcr.write. List every idporten:dcr.* scope the self-service admin client holds; if it lacks one, ask servicedesk@digdir.no to add it",
      },
    ]);
    expect(simulator().calls.filter((c) => c.seq > before)).toStrictEqual([]);
  });

  it("says which configured scope the admin client does not hold (MP-200)", async () => {
    await fetch(`${simulator().url}/__admin/clients/${DEMO_SELF_SERVICE_CLIENT_ID}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scopes: ["idporten:dcr.read", "idporten:dcr.write"] }),
    });
    const failures = await selfServiceFailures(
      context(["idporten:dcr.read", "idporten:dcr.write", "idporten:dcr.modify"]),
      INPUTS,
    );
    expect(failures).toStrictEqual([
      {
        property: "selfService",
        reason:
          "the self-service admin client does not hold every scope in altinn-iac:selfServiceScopes (MP-200: Scope(s) not registered on client: idporten:dcr.modify): list only the scopes it holds (it needs idporten:dcr.read, idporten:dcr.write, idporten:dcr.write or idporten:dcr.modify), or ask servicedesk@digdir.no to add the missing one",
      },
    ]);
  });
});
