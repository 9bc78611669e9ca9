import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lintPolicy, lintPolicyXml } from "../../policies/lint";
import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel } from "../../policies/model";
import {
  accessPackageFinding,
  ACCESS_PACKAGES,
  roleFinding,
  ROLES,
  scopeFinding,
  SCOPES,
} from "../../vocabulary";
import { main, refreshVocabulary } from "../../vocabulary/refresh";

const REAL_POLICIES = join(__dirname, "..", "..", "..", "shared", "fixtures", "real", "policies");

describe("the shipped catalogues", () => {
  it("name their sources and date", () => {
    expect(ROLES.sources.map((s) => `${s.repository} ${s.path}`)).toStrictEqual([
      "Altinn/altinn-authorization-tmp src/apps/Altinn.AccessManagement/src/Altinn.AccessMgmt.PersistenceEF/Constants/RoleConstants.cs",
      "Altinn/altinn-studio src/Designer/frontend/packages/shared/src/utils/altinn2RoleUtils.ts",
    ]);
    expect(ACCESS_PACKAGES.sources[0]!.path).toMatch(/Constants\/PackageConstants\.cs$/);
    expect(ROLES.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ROLES.roles.length).toBeGreaterThan(100);
    expect(ACCESS_PACKAGES.accessPackages.length).toBeGreaterThan(200);
  });

  it("know every role code and access package of Altinn's real policies", () => {
    const findings = readdirSync(REAL_POLICIES).flatMap((file) =>
      lintPolicyXml(readFileSync(join(REAL_POLICIES, file), "utf8"))
        .findings.filter((f) => /role|access-package/.test(f.code) && f.severity === "error")
        .map((f) => `${file}: ${f.message}`),
    );
    expect(findings).toStrictEqual([]);
  });
});

describe("roleFinding", () => {
  it.each(["DAGL", "dagl", "LEDE", "INNH", "PRIV", "REGN"])("accepts %s", (code) => {
    expect(roleFinding(code)).toBeUndefined();
  });

  it("suggests the code a typo was meant to be", () => {
    expect(roleFinding("DAGLL")).toStrictEqual({
      severity: "error",
      code: "unknown-role",
      message: `"DAGLL" is not a role code Altinn knows (${ROLES.roles.length} codes in vocabulary/roles.json, retrieved ${ROLES.retrieved}), so the rule would match nobody`,
      fix: "did you mean DAGL (Daglig leder)?",
    });
    expect(roleFinding("Daglig leder")?.fix).toBe("did you mean DAGL (Daglig leder)?");
    expect(roleFinding("qwertyuiop")?.fix).toMatch(/^use a role code such as DAGL/);
  });

  it("warns about an Altinn 2 role Altinn phases out", () => {
    expect(roleFinding("A0237")).toStrictEqual({
      severity: "warning",
      code: "deprecated-role",
      message:
        "role A0237 (Ansvarlig revisor) is an Altinn 2 role, which Altinn phases out on 31.12.26 (Altinn Studio's policy editor warns about it)",
      fix: "add the access package that replaces it to the same rule, so its users keep their access",
    });
  });

  it("warns about a role Altinn does not offer for resource policies", () => {
    expect(roleFinding("KTRF")?.code).toBe("role-not-for-policies");
  });
});

describe("accessPackageFinding", () => {
  it("accepts a known package", () => {
    expect(accessPackageFinding("ordinaer-post-til-virksomheten")).toBeUndefined();
  });

  it("suggests the real code for a typo, for the name, and for the URN", () => {
    expect(accessPackageFinding("ordinar-post-til-virksomheten")?.fix).toBe(
      "did you mean ordinaer-post-til-virksomheten (Ordinær post til virksomheten)?",
    );
    expect(accessPackageFinding("Ordinær post til virksomheten")?.fix).toBe(
      "did you mean ordinaer-post-til-virksomheten (Ordinær post til virksomheten)?",
    );
    expect(
      accessPackageFinding("urn:altinn:accesspackage:ordinaer-post-til-virksomheten"),
    ).toStrictEqual({
      severity: "error",
      code: "access-package-urn",
      message:
        '"urn:altinn:accesspackage:ordinaer-post-til-virksomheten" is an access package URN, but an accessPackage subject holds its last part alone',
      fix: "write ordinaer-post-til-virksomheten",
    });
  });
});

describe("scopeFinding", () => {
  it.each([
    "altinn:serviceowner",
    "altinn:correspondence.write",
    "altinn:events.subscribe",
    "altinn:instances.read",
    "altinn:serviceowner/instances.write",
    "skd:mva",
  ])("lets %s pass (known, or not close to a known one)", (scope) => {
    expect(scopeFinding(scope)).toBeUndefined();
  });

  it("fails a typo of one of Altinn's scopes", () => {
    expect(scopeFinding("altinn:serviceowners")?.fix).toBe("did you mean altinn:serviceowner?");
    expect(SCOPES.sources.map((s) => s.repository)).toContain("Altinn/altinn-correspondence");
  });
});

describe("the policy linter with the catalogues", () => {
  const xml = (subjects: object[]) =>
    buildPolicyXml(
      parsePolicyModel({
        rules: [
          { subjects, actions: ["read"] },
          { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] },
        ],
        authenticationLevel: 3,
      }),
      { resourceId: "digdir-melding" },
    );

  it("fails rules whose role code or access package Altinn does not know, naming the rule", () => {
    const findings = lintPolicy(
      parsePolicyModel({
        rules: [
          {
            subjects: [{ role: "DAGLL" }, { accessPackage: "ordinar-post-til-virksomheten" }],
            actions: ["read"],
          },
        ],
      }),
      { resourceId: "digdir-melding" },
    );
    expect(
      findings
        .filter((f) => f.code.startsWith("unknown-"))
        .map((f) => [f.severity, f.rule, f.path, f.fix]),
    ).toStrictEqual([
      ["error", 1, "rules.0.subjects.0", "did you mean DAGL (Daglig leder)?"],
      [
        "error",
        1,
        "rules.0.subjects.1",
        "did you mean ordinaer-post-til-virksomheten (Ordinær post til virksomheten)?",
      ],
    ]);
  });

  it("warns about them in XML, which is uploaded as written (an exported policy stays adoptable)", () => {
    const { findings } = lintPolicyXml(xml([{ role: "DAGLL" }]), { resourceId: "digdir-melding" });
    expect(
      findings.filter((f) => f.code === "unknown-role").map((f) => [f.severity, f.line]),
    ).toStrictEqual([["warning", expect.any(Number)]]);
  });

  it("warns about a deprecated role", () => {
    const { findings } = lintPolicyXml(xml([{ role: "REGNA" }]), { resourceId: "digdir-melding" });
    expect(
      findings.filter((f) => f.code === "deprecated-role").map((f) => f.severity),
    ).toStrictEqual(["warning"]);
  });
});

describe("npm run vocabulary -- refresh", () => {
  let server: Server;
  let origin: string;
  const answers: Record<string, { nb: unknown; en: unknown }> = {
    "/accessmanagement/api/v1/meta/info/roles/": {
      nb: [
        {
          name: "Daglig leder",
          code: "daglig-leder",
          urn: "urn:altinn:external-role:ccr:daglig-leder",
          legacyRoleCode: "dagl",
          legacyUrn: "urn:altinn:rolecode:dagl",
          isResourcePolicyAvailable: true,
          provider: { code: "sys-ccr", name: "Enhetsregisteret" },
        },
        {
          name: "Ny rolle",
          code: "ny-rolle",
          urn: "urn:altinn:rolecode:nyr",
          isResourcePolicyAvailable: false,
          provider: { code: "sys-altinn2" },
        },
        { name: "Rettighetshaver", code: "rettighetshaver", urn: "urn:altinn:role:x" },
      ],
      en: [
        { name: "Managing Director", legacyRoleCode: "dagl" },
        { name: "New role", urn: "urn:altinn:rolecode:nyr" },
      ],
    },
    "/accessmanagement/api/v1/meta/info/accesspackages/export": {
      nb: [
        {
          name: "Post og arkiv",
          areas: [
            {
              name: "Post og arkiv",
              packages: [
                {
                  name: "Ordinær post til virksomheten",
                  urn: "urn:altinn:accesspackage:ordinaer-post-til-virksomheten",
                  isResourcePolicyAvailable: true,
                },
              ],
            },
          ],
        },
      ],
      en: [
        {
          areas: [
            {
              packages: [
                {
                  name: "Ordinary mail to the business",
                  urn: "urn:altinn:accesspackage:ordinaer-post-til-virksomheten",
                },
              ],
            },
          ],
        },
      ],
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = answers[request.url ?? ""];
      const language = request.headers["accept-language"] === "en" ? "en" : "nb";
      response.writeHead(answer ? 200 : 404, { "content-type": "application/json" });
      response.end(JSON.stringify(answer?.[language] ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("writes both catalogues in the shipped format, keeping the deprecated Altinn 2 roles", async () => {
    const out = mkdtempSync(join(tmpdir(), "vocabulary-"));
    const changes = await refreshVocabulary({ origin, out, dryRun: false, today: "2027-01-02" });
    const roles = JSON.parse(readFileSync(join(out, "roles.json"), "utf8")) as typeof ROLES;
    expect(roles.retrieved).toBe("2027-01-02");
    expect(roles.sources[0]).toStrictEqual({
      url: `${origin}/accessmanagement/api/v1/meta/info/roles/`,
      read: "legacyRoleCode (or the urn:altinn:rolecode URN), name (nb and en), provider.code, isResourcePolicyAvailable",
    });
    expect(roles.roles.find((r) => r.code === "DAGL")).toStrictEqual({
      code: "DAGL",
      name: "Daglig leder",
      nameEn: "Managing Director",
      provider: "sys-ccr",
      resourcePolicy: true,
    });
    expect(roles.roles.find((r) => r.code === "NYR")).toStrictEqual({
      code: "NYR",
      name: "Ny rolle",
      nameEn: "New role",
      provider: "sys-altinn2",
      resourcePolicy: false,
    });
    const deprecated = ROLES.roles.filter((r) => r.deprecated).map((r) => r.code);
    expect(roles.roles.filter((r) => r.deprecated).map((r) => r.code)).toStrictEqual(deprecated);
    const packages = JSON.parse(
      readFileSync(join(out, "access-packages.json"), "utf8"),
    ) as typeof ACCESS_PACKAGES;
    expect(packages.accessPackages).toStrictEqual([
      {
        code: "ordinaer-post-til-virksomheten",
        name: "Ordinær post til virksomheten",
        nameEn: "Ordinary mail to the business",
        area: "Post og arkiv",
        resourcePolicy: true,
      },
    ]);
    expect(changes).toContain("new role: NYR");
    expect(changes).toContain("role no longer listed: LEDE");
  });

  it("writes nothing with --dry-run", async () => {
    const out = mkdtempSync(join(tmpdir(), "vocabulary-"));
    await refreshVocabulary({ origin, out, dryRun: true });
    expect(readdirSync(out)).toStrictEqual([]);
  });

  it("fails cleanly, exit 1 and the catalogues untouched, where Altinn cannot be reached", async () => {
    const out = mkdtempSync(join(tmpdir(), "vocabulary-"));
    writeFileSync(join(out, "roles.json"), "kept");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const errors: string[] = [];
    const spy = jest.spyOn(console, "error").mockImplementation((text: string) => {
      errors.push(text);
    });
    try {
      const code = await main(["refresh", "--url", `http://127.0.0.1:${port}`, "--out", out]);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toStrictEqual([
      `vocabulary: could not reach http://127.0.0.1:${port}/accessmanagement/api/v1/meta/info/roles/ (ECONNREFUSED); the catalogues stay as they are (roles retrieved ${ROLES.retrieved}, access packages retrieved ${ACCESS_PACKAGES.retrieved}). Run this where the network reaches Altinn, or name a reachable origin with --url.`,
    ]);
    expect(readFileSync(join(out, "roles.json"), "utf8")).toBe("kept");
  });

  it("answers --help with what it reads and writes, and exits 2 on a bad option", async () => {
    const logs: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((t: string) => void logs.push(t));
    const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await main(["--help"])).toBe(0);
      expect(await main(["refresh", "--env", "staging"])).toBe(2);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    expect(logs[0]).toMatch(/^usage: npm run vocabulary -- refresh/);
    expect(logs[0]).toContain("reads   GET <origin>/accessmanagement/api/v1/meta/info/roles/");
  });
});
