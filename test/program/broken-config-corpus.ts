export const base = {
  "altinn-iac:environment": "test",
  "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
};
export const resource = {
  identifier: "digdir-melding",
  title: { nb: "T", nn: "T", en: "T" },
  description: { nb: "D", nn: "D", en: "D" },
  rightDescription: { nb: "R", nn: "R", en: "R" },
  contactPoints: [{ category: "Support", email: "a@b.no" }],
};
/**
 * Broken stack files: each entry is a config as the engine passes it (every value a string) and
 * the exact message the program must stop with, before any resource is registered.
 */
export const cases: Array<[string, Record<string, string>, string]> = [
  [
    "an unknown environment",
    { ...base, "altinn-iac:environment": "staging" },
    'the stack config is invalid:\n  altinn-iac:environment: "staging" is not allowed here: write one of local, test, prod',
  ],
  [
    "no org",
    { "altinn-iac:environment": "test" },
    'the stack config is invalid:\n  altinn-iac:org: required: the service owner, such as { code: digdir, number: "991825827" }',
  ],
  [
    "an org code in capitals",
    { ...base, "altinn-iac:org": JSON.stringify({ code: "Digdir", number: "991825827" }) },
    'the stack config is invalid:\n  altinn-iac:org.code: the org code is the service owner\'s lowercase Altinn code, such as digdir (got "Digdir")',
  ],
  [
    "a short organisation number",
    { ...base, "altinn-iac:org": JSON.stringify({ code: "digdir", number: "12345" }) },
    'the stack config is invalid:\n  altinn-iac:org.number: the organisation number has 9 digits (got "12345")',
  ],
  [
    "an unknown property on org",
    {
      ...base,
      "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827", name: "Digdir" }),
    },
    'the stack config is invalid:\n  altinn-iac:org.name: unknown property "name": remove it (allowed here: code, number)',
  ],
  [
    "a misspelled top-level key",
    { ...base, "altinn-iac:resource": JSON.stringify([resource]) },
    'the stack config is invalid:\n  altinn-iac:resource: unknown key: did you mean "resources"?',
  ],
  [
    "resources that are not a list",
    { ...base, "altinn-iac:resources": JSON.stringify(resource) },
    "the stack config is invalid:\n  altinn-iac:resources: required",
  ],
  [
    "an invalid resource identifier",
    { ...base, "altinn-iac:resources": JSON.stringify([{ ...resource, identifier: "App_X" }]) },
    'the stack config is invalid:\n  altinn-iac:resources.0.identifier: "App_X" is not a valid resource identifier: only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "digdir-x")',
  ],
  [
    "a title without nynorsk",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, title: { nb: "T", en: "T" } }]),
    },
    "the stack config is invalid:\n  altinn-iac:resources.0.title.nn: missing title in nynorsk (nn): the Resource Registry requires nb, nn and en",
  ],
  [
    "a delegable resource without rightDescription",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, rightDescription: undefined }]),
    },
    "the stack config is invalid:\n  altinn-iac:resources.0.rightDescription.nb: missing rightDescription (required when delegable is true) in bokm\u00e5l (nb): the Resource Registry requires nb, nn and en\n  altinn-iac:resources.0.rightDescription.nn: missing rightDescription (required when delegable is true) in nynorsk (nn): the Resource Registry requires nb, nn and en\n  altinn-iac:resources.0.rightDescription.en: missing rightDescription (required when delegable is true) in English (en): the Resource Registry requires nb, nn and en",
  ],
  [
    "a misspelled resource field",
    { ...base, "altinn-iac:resources": JSON.stringify([{ ...resource, titel: "x" }]) },
    'the stack config is invalid:\n  altinn-iac:resources.0.titel: unknown property "titel": did you mean "title"? (got "x")',
  ],
  [
    "an unknown resourceType",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, resourceType: "Correspondence" }]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.resourceType: "Correspondence" is not allowed here: write one of Default, Systemresource, MaskinportenSchema, Altinn2Service, AltinnApp, GenericAccessResource, BrokerService, CorrespondenceService, Consent, MigratedApp',
  ],
  [
    "no contact point",
    { ...base, "altinn-iac:resources": JSON.stringify([{ ...resource, contactPoints: [] }]) },
    "the stack config is invalid:\n  altinn-iac:resources.0.contactPoints: at least one contact point is required (Altinn Studio's rule): add { category, email }",
  ],
  [
    "the same resource twice",
    { ...base, "altinn-iac:resources": JSON.stringify([resource, resource]) },
    'the stack config is invalid:\n  altinn-iac:resources: the identifier "digdir-melding" is declared twice: each resource needs its own identifier',
  ],
  [
    "a policy of unknown form",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([{ ...resource, policy: { allow: "everyone" } }]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy: a policy is { template: correspondence, recipients: { roles: [DAGL] } }, { rules: [...] } or { xml: "<xacml:Policy ...>" }',
  ],
  [
    "a template without recipients",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, policy: { template: "correspondence", recipients: {} } },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.recipients: name at least one recipient role or access package, such as roles: ["DAGL"] or accessPackages: ["ordinaer-post-til-virksomheten"]',
  ],
  [
    "an access list without a name",
    { ...base, "altinn-iac:accessLists": JSON.stringify([{ identifier: "digdir-mottakere" }]) },
    "the stack config is invalid:\n  altinn-iac:accessLists.0.name: required: the display name",
  ],
  [
    "an access list member that is not one",
    {
      ...base,
      "altinn-iac:accessLists": JSON.stringify([
        { identifier: "digdir-mottakere", name: "M", members: ["12345"] },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:accessLists.0.members.0: "12345" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"',
  ],
  [
    "an access list identifier with spaces",
    {
      ...base,
      "altinn-iac:accessLists": JSON.stringify([{ identifier: "Godkjente Banker", name: "M" }]),
    },
    'the stack config is invalid:\n  altinn-iac:accessLists.0.identifier: "Godkjente Banker" is not a valid access list identifier: use lowercase a-z, 0-9, "-" and "_", starting with a letter or digit (for example "godkjente-banker")',
  ],
  [
    "a list connected to an undeclared resource",
    {
      ...base,
      "altinn-iac:accessLists": JSON.stringify([
        { identifier: "digdir-mottakere", name: "M", resources: [{ identifier: "digdir-annen" }] },
      ]),
    },
    "the stack config is invalid:\n  altinn-iac:accessLists.0.resources.0.identifier: \"digdir-annen\" is not one of this stack's resources (none declared): the Resource Registry only connects lists to the owner's own resources, so declare it under altinn-iac:resources",
  ],
  [
    "the same access list twice",
    {
      ...base,
      "altinn-iac:accessLists": JSON.stringify([
        { identifier: "digdir-mottakere", name: "M" },
        { identifier: "digdir-mottakere", name: "N" },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:accessLists: the identifier "digdir-mottakere" is declared twice: each access list needs its own identifier',
  ],
  [
    "a Maskinporten client name with spaces",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        { name: "Melding Sender", clientName: "x", description: "y" },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:maskinportenClients.0.name: name is the client\'s stable logical name in lowercase kebab-case, such as melding-sender (got "Melding Sender")',
  ],
  [
    "two Maskinporten clients with one name",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        { name: "sender", clientName: "x", description: "y" },
        { name: "sender", clientName: "z", description: "w" },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:maskinportenClients: each Maskinporten client needs its own name: "sender" is declared twice (at altinn-iac:maskinportenClients.0 and altinn-iac:maskinportenClients.1)',
  ],
  [
    "two Maskinporten clients to create with one name and description",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        { name: "sender", clientName: "x", description: "y" },
        { name: "other-sender", clientName: "x", description: "y" },
        { name: "adopted", clientName: "x", description: "y", clientId: "made-in-the-portal" },
      ]),
    },
    "the stack config is invalid:\n  altinn-iac:maskinportenClients.1: has the clientName and description of altinn-iac:maskinportenClients.0: a create finds the client an interrupted create made by them, so give each client its own clientName or description",
  ],
  [
    "protect that is not a boolean",
    { ...base, "altinn-iac:protect": "yes" },
    'the stack config is invalid:\n  altinn-iac:protect: expected true or false (got "yes")',
  ],
  [
    "tt02 as the environment",
    { ...base, "altinn-iac:environment": "tt02" },
    'the stack config is invalid:\n  altinn-iac:environment: "tt02" means Altinn\'s test environment (tt02, with Maskinporten test), which a stack file calls test: write environment: test (one spelling, because the providers, the review and the deploy workflows read this value as written)',
  ],
  [
    "a misspelled environment",
    { ...base, "altinn-iac:environment": "tets" },
    'the stack config is invalid:\n  altinn-iac:environment: "tets" is not allowed here: write one of local, test, prod (did you mean "test"?)',
  ],
  [
    "recipients with role instead of roles",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, policy: { template: "correspondence", recipients: { role: ["DAGL"] } } },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.recipients.role: unknown property "role": did you mean "roles"?',
  ],
  [
    "a misspelled template",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, policy: { template: "corespondence", recipients: { roles: ["DAGL"] } } },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.template: "corespondence" is not allowed here: write correspondence',
  ],
  [
    "a misspelled role code",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, policy: { template: "correspondence", recipients: { roles: ["DAGLL"] } } },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.recipients.roles.0: "DAGLL" is not a role code Altinn knows (106 codes in vocabulary/roles.json, retrieved 2026-12-04), so the rule would match nobody: did you mean DAGL (Daglig leder)?',
  ],
  [
    "a misspelled access package",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        {
          ...resource,
          policy: {
            template: "correspondence",
            recipients: { accessPackages: ["ordinar-post-til-virksomheten"] },
          },
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.recipients.accessPackages.0: "ordinar-post-til-virksomheten" is not an access package Altinn knows (223 in vocabulary/access-packages.json, retrieved 2026-12-04), so the rule would match nobody: did you mean ordinaer-post-til-virksomheten (Ordinær post til virksomheten)?',
  ],
  [
    "a rule naming a role by its URN and an access package by its name",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        {
          ...resource,
          policy: {
            rules: [
              {
                subjects: [
                  { role: "urn:altinn:rolecode:dagl" },
                  { accessPackage: "Ordinær post til virksomheten" },
                  { attribute: "urn:altinn:rolecode", value: "LEDR" },
                ],
                actions: ["read"],
              },
            ],
          },
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.rules.0.subjects.0.role: "urn:altinn:rolecode:dagl" is a role URN, but a role subject holds the code alone: write DAGL\n  altinn-iac:resources.0.policy.rules.0.subjects.1.accessPackage: "Ordinær post til virksomheten" is not an access package Altinn knows (223 in vocabulary/access-packages.json, retrieved 2026-12-04), so the rule would match nobody: did you mean ordinaer-post-til-virksomheten (Ordinær post til virksomheten)?\n  altinn-iac:resources.0.policy.rules.0.subjects.2.value: "LEDR" is not a role code Altinn knows (106 codes in vocabulary/roles.json, retrieved 2026-12-04), so the rule would match nobody: did you mean LEDE (Styrets leder)?',
  ],
  [
    "two subscriptions with one name",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([resource]),
      "altinn-iac:subscriptions": JSON.stringify([
        { name: "melding-events", resource: "digdir-melding", endPoint: "https://example.org/a" },
        { name: "melding-events", resource: "digdir-melding", endPoint: "https://example.org/b" },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:subscriptions: each subscription needs its own name: "melding-events" is declared twice (at altinn-iac:subscriptions.0 and altinn-iac:subscriptions.1)',
  ],
  [
    "a subscription to a misspelled resource",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([resource]),
      "altinn-iac:subscriptions": JSON.stringify([
        { name: "melding-events", resource: "digdir-meldig", endPoint: "https://example.org/a" },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:subscriptions.0.resource: "digdir-meldig" is not one of this stack\'s resources (digdir-melding): did you mean "digdir-melding"? (a resource managed elsewhere is named by its exact identifier)',
  ],
  [
    "a subscription naming its resource by URN",
    {
      ...base,
      "altinn-iac:subscriptions": JSON.stringify([
        {
          name: "melding-events",
          resource: "urn:altinn:resource:digdir-melding",
          endPoint: "https://example.org/a",
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:subscriptions.0.resource: "urn:altinn:resource:digdir-melding" is a URN, but resource takes the identifier alone (the program adds urn:altinn:resource:): write digdir-melding',
  ],
  [
    "an e-mail address written with (at)",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, contactPoints: [{ category: "Vedtak", email: "vedtak(at)example.org" }] },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.contactPoints.0.email: "vedtak(at)example.org" is not an e-mail address: write it as name@domain, that is "vedtak@example.org"',
  ],
  [
    "a contact page without https://",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        {
          ...resource,
          contactPoints: [{ category: "Kontakt", contactPage: "www.digdir.no/kontakt" }],
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.contactPoints.0.contactPage: "www.digdir.no/kontakt" has no https://, so Altinn shows it as text and not as a link: write "https://www.digdir.no/kontakt"',
  ],
  [
    "a telephone that is words",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, contactPoints: [{ category: "Telefon", telephone: "call us" }] },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.contactPoints.0.telephone: "call us" is not a telephone number: write the number in digits, with +, spaces or - if you like, such as "+47 22 00 00 00" (other ways to reach you go in email or contactPage)',
  ],
  [
    "a resource identifier longer than Correspondence stores",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, identifier: `digdir-${"melding".repeat(36)}` },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.identifier: the identifier is 259 characters long, more than the 255 Altinn Correspondence stores for a message\'s resource: shorten it, such as "digdir-melding" (got "digdir-meldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmeldingmelding")',
  ],
  [
    "a misspelled Altinn scope",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        {
          name: "sender",
          clientName: "x",
          description: "y",
          scopes: ["altinn:serviceowner", "altinn:correspondance.write"],
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:maskinportenClients.0.scopes.1: "altinn:correspondance.write" is not a scope Altinn\'s APIs ask for (vocabulary/scopes.json, retrieved 2026-12-04): did you mean altinn:correspondence.write?',
  ],
  [
    "a rule with subject instead of subjects, and a subject with roles instead of role",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        {
          ...resource,
          policy: {
            rules: [
              { subject: [{ role: "DAGL" }], actions: ["read"] },
              { subjects: [{ roles: "DAGL" }], actions: "read" },
            ],
          },
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.rules.0.subject: unknown property "subject": did you mean "subjects"?\n  altinn-iac:resources.0.policy.rules.1.subjects.0.roles: unknown property "roles": did you mean "role"? (got "DAGL")\n  altinn-iac:resources.0.policy.rules.1.actions: expected a list (such as [a, b], or one `- item` per line in YAML) (got "read")',
  ],
  [
    "a list connected to a misspelled resource",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([resource]),
      "altinn-iac:accessLists": JSON.stringify([
        { identifier: "digdir-mottakere", name: "M", resources: [{ identifier: "digdir-meldin" }] },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:accessLists.0.resources.0.identifier: "digdir-meldin" is not one of this stack\'s resources (digdir-melding): did you mean "digdir-melding"? Otherwise the Resource Registry only connects lists to the owner\'s own resources, so declare it under altinn-iac:resources',
  ],
];

const client = { name: "sender", clientName: "x", description: "y" };
const verifying = (verification: Record<string, unknown>) => ({
  ...base,
  "altinn-iac:resources": JSON.stringify([resource]),
  "altinn-iac:maskinportenClients": JSON.stringify([client]),
  "altinn-iac:verification": JSON.stringify(verification),
});
const subscribing = (environment: string, endPoint: string) => ({
  ...base,
  "altinn-iac:environment": environment,
  "altinn-iac:resources": JSON.stringify([resource]),
  "altinn-iac:subscriptions": JSON.stringify([
    { name: "melding-events", resource: "digdir-melding", endPoint },
  ]),
});
const HIDDEN_FIX = "remove it (type the text again, or paste it through a plain-text editor)";

/**
 * Hostile values (issue 21): each once got through preview. Named by the case the real-engine test
 * (test/e2e/security.e2e.test.ts) picks.
 */
export const hostileCases: Array<[string, Record<string, string>, string]> = [
  [
    "a verification recipient with a query and a path",
    verifying({ client: "sender", resource: "digdir-melding", recipient: "310654321&x=1/../" }),
    'the stack config is invalid:\n  altinn-iac:verification.recipient: the recipient is an organisation number (9 digits, such as "310654321") or a party URN: urn:altinn:organization:identifier-no:<9 digits> or urn:altinn:person:identifier-no:<11 digits> (a synthetic test party from Tenor in tt02) (got "310654321&x=1/../")',
  ],
  [
    "a verification client named constructor",
    verifying({ client: "constructor", resource: "digdir-melding", recipient: "310654321" }),
    'the stack config is invalid:\n  altinn-iac:verification.client: no Maskinporten client named "constructor": use one of sender',
  ],
  [
    "a verification of an undeclared resource",
    verifying({ client: "sender", resource: "digdir-annen", recipient: "310654321" }),
    'the stack config is invalid:\n  altinn-iac:verification.resource: no resource "digdir-annen" in altinn-iac:resources: use one of digdir-melding',
  ],
  [
    "a resource identifier __proto__",
    { ...base, "altinn-iac:resources": JSON.stringify([{ ...resource, identifier: "__proto__" }]) },
    'the stack config is invalid:\n  altinn-iac:resources.0.identifier: "__proto__" is a name JavaScript objects reserve (__proto__, constructor, prototype), so it cannot name an object here: choose another, such as "digdir-proto"',
  ],
  [
    "a Maskinporten client named constructor",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([{ ...client, name: "constructor" }]),
    },
    'the stack config is invalid:\n  altinn-iac:maskinportenClients.0.name: "constructor" is a name JavaScript objects reserve (__proto__, constructor, prototype), so it cannot name an object here: choose another, such as "digdir-constructor"',
  ],
  [
    "an access list named prototype",
    { ...base, "altinn-iac:accessLists": JSON.stringify([{ identifier: "prototype", name: "M" }]) },
    'the stack config is invalid:\n  altinn-iac:accessLists.0.identifier: "prototype" is a name JavaScript objects reserve (__proto__, constructor, prototype), so it cannot name an object here: choose another, such as "digdir-prototype"',
  ],
  [
    "a policy subject under __proto__",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        {
          ...resource,
          policy: {
            rules: [{ subjects: [{ ["__proto__"]: { role: "DAGL" } }], actions: ["read"] }],
          },
        },
      ]),
    },
    'the stack config is invalid:\n  altinn-iac:resources.0.policy.rules.0.subjects.0.__proto__: "__proto__" is not a property: JavaScript gives it a meaning of its own (it would make the object inherit its content), so no object of this setup has it: remove it',
  ],
  [
    "a subscription endpoint on a host with a Cyrillic letter",
    subscribing("test", "https://p\u0430ypal.com/events"),
    'the stack config is invalid:\n  altinn-iac:subscriptions.0.endPoint: the host "p\u0430ypal.com" (xn--pypal-4ve.com) mixes Latin and Cyrillic letters in "p\u0430ypal", the mark of a look-alike name: write the host in one script, as its owner registered it',
  ],
  [
    "a NUL in a title",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, title: { nb: "Melding\u0000", nn: "T", en: "T" } },
      ]),
    },
    `the stack config is invalid:\n  altinn-iac:resources.0.title.nb: contains U+0000 at position 7, a control character, which is invisible or cuts the text short: ${HIDDEN_FIX}`,
  ],
  [
    "a right-to-left override in a description",
    {
      ...base,
      "altinn-iac:resources": JSON.stringify([
        { ...resource, description: { nb: "D", nn: "D", en: "invoice\u202efdp.exe" } },
      ]),
    },
    `the stack config is invalid:\n  altinn-iac:resources.0.description.en: contains U+202E at position 7, a bidirectional control character, which reorders how the text is shown: ${HIDDEN_FIX}`,
  ],
  [
    "a local subscription into the simulator's admin API",
    subscribing("local", "http://127.0.0.1:5055/webhooks/../__admin/reset"),
    "the stack config is invalid:\n  altinn-iac:subscriptions.0.endPoint: http://127.0.0.1:5055/__admin/reset is the simulator's admin API (reset, faults, clock), which a stack never calls: use the demo receiver http://127.0.0.1:5055/webhooks/<name> or your own endpoint",
  ],
  [
    "a private key in plain config",
    {
      ...base,
      "altinn-iac:maskinportenPrivateKey":
        "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
    },
    "the stack config is invalid:\n  altinn-iac:maskinportenPrivateKey: holds a private key in plain config, which the stack file and the state keep readable: store it encrypted with `pulumi config set --secret altinn-iac:maskinportenPrivateKey < provisioner-key.pem` or pass it in the environment variable ALTINN_IAC_MASKINPORTEN_PRIVATE_KEY, and replace the key if this stack file was ever shared",
  ],
  [
    "a private JWK brought as a client's public key",
    {
      ...base,
      "altinn-iac:maskinportenClients": JSON.stringify([
        { ...client, key: { publicJwk: { kty: "RSA", n: "x", e: "AQAB", d: "y" } } },
      ]),
    },
    "the stack config is invalid:\n  altinn-iac:maskinportenClients.0.key.publicJwk: holds a private key in plain config, which the stack file and the state keep readable: register only the public key (a JWK without d, p, q, dp, dq, qi), and keep private keys in secret config (pulumi config set --secret)",
  ],
];
