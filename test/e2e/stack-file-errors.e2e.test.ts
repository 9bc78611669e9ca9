import { startSimulator, type Simulator } from "../../simulator/server";
import { TestStack } from "../support/pulumi-cli";
import { DEMO_PRIVATE_KEY, demoStackValues, writes } from "../support/simulator";

/**
 * Issue 19 with the real engine: a stack file with several mistakes stops `pulumi preview` and
 * `pulumi up` with one clean list (key path, value, fix per line), exit code non-zero, no Node
 * stack trace, no "Running program ... failed with an unhandled exception" wrapper, no ANSI
 * escapes in piped output (NO_COLOR unset, as in a user's shell), and no write to Altinn.
 */

const resource = {
  identifier: "digdir-e2e-feil",
  title: { nb: "Feil", nn: "Feil", en: "Errors" },
  description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
  rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
  contactPoints: [
    {
      category: "Vedtak",
      email: "vedtak(at)example.org",
      contactPage: "www.digdir.no/kontakt",
      telephone: "call us",
    },
  ],
  policy: {
    template: "correspondence",
    recipients: { roles: ["DAGLL"], accessPackages: ["ordinar-post-til-virksomheten"] },
  },
};

const EXPECTED_LINES = [
  'altinn-iac:resources.0.contactPoints.0.email: "vedtak(at)example.org" is not an e-mail address: write it as name@domain, that is "vedtak@example.org"',
  'altinn-iac:resources.0.contactPoints.0.contactPage: "www.digdir.no/kontakt" has no https://, so Altinn shows it as text and not as a link: write "https://www.digdir.no/kontakt"',
  'altinn-iac:resources.0.contactPoints.0.telephone: "call us" is not a telephone number',
  'altinn-iac:resources.0.policy.recipients.roles.0: "DAGLL" is not a role code Altinn knows',
  "did you mean DAGL (Daglig leder)?",
  'altinn-iac:resources.0.policy.recipients.accessPackages.0: "ordinar-post-til-virksomheten" is not an access package Altinn knows',
  "did you mean ordinaer-post-til-virksomheten (Ordinær post til virksomheten)?",
  'altinn-iac:subscriptions.0.resource: "digdir-e2e-fiel" is not one of this stack\'s resources (digdir-e2e-feil): did you mean "digdir-e2e-feil"?',
];

describe("a broken stack file with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create(
      {
        values: {
          ...demoStackValues(simulator),
          preflight: false,
          resources: [resource],
          subscriptions: [
            {
              name: "feil-events",
              resource: "digdir-e2e-fiel",
              endPoint: `${simulator.url}/webhooks/feil`,
            },
          ],
        },
        secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
      },
      // As in a user's shell: colour is pulumi's choice, which must be none when piped.
      { NO_COLOR: undefined },
    );
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it.each([["preview"], ["up", "--yes"]])(
    "pulumi %s prints one clean list and exits non-zero, with no write",
    async (...args) => {
      const result = await stack.pulumi(args);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("error: the stack config is invalid:\n");
      for (const line of EXPECTED_LINES) expect(result.output).toContain(line);
      expect(result.output).not.toContain("\u001b[");
      expect(result.output).not.toContain("Running program");
      expect(result.output).not.toContain("unhandled exception");
      expect(result.output).not.toMatch(/^\s+at \S+ \(/m);
      expect(writes(simulator)).toStrictEqual([]);
    },
  );
});
