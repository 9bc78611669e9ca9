import { randomBytes } from "node:crypto";
import type { Policy } from "../policies/model";
import { correspondencePolicy } from "../policies/templates";

/**
 * The setup an acceptance run declares: one object of every kind, each named with the run's
 * prefix `<org>-iacacc-<8 hex>`, so the sweeper finds leftovers by name and nothing else.
 */

export const ACCEPTANCE_MARKER = "iacacc";

/** What names an acceptance run's objects in `org`: any run's (for the sweeper) or one run's. */
export function prefixPattern(org: string, runId?: string): RegExp {
  return new RegExp(`^${org}-${ACCEPTANCE_MARKER}-${runId ?? "[0-9a-f]{8}"}-`);
}

/** Who may read the acceptance resource's messages (its policy's recipient rule). */
const RECIPIENTS = { roles: ["DAGL"] };

/** The name every object of run `runId` starts with. */
export function runPrefix(org: string, runId: string): string {
  return `${org}-${ACCEPTANCE_MARKER}-${runId}`;
}

export function newRunId(): string {
  return randomBytes(4).toString("hex");
}

export interface AcceptanceOptions {
  org: { code: string; number: string };
  runId: string;
  /** Where the subscription's events go: an https receiver that answers Events' validation. */
  endPoint: string;
  /** Organisation numbers known in the environment (one is the first member, two make the change). */
  members: string[];
}

/** The declared state of one step, as the remote checks compare it. */
export interface AcceptanceSetup {
  resourceId: string;
  title: string;
  policy: Policy;
  authenticationLevel: number;
  list: { identifier: string; name: string; members: string[]; actionFilters: string[] };
  client: { name: string; clientName: string; description: string; scopes: string[] };
  subscription: { name: string; endPoint: string; typeFilter?: string };
}

/** The first step's setup, and the changed one of the step after preview and refresh. */
export function acceptanceSetups(options: AcceptanceOptions): {
  initial: AcceptanceSetup;
  changed: AcceptanceSetup;
} {
  const prefix = runPrefix(options.org.code, options.runId);
  const initial = setupAt(options, prefix, 3, {
    title: `altinn-iac acceptance ${options.runId}`,
    listName: `altinn-iac acceptance ${options.runId}`,
    members: options.members.slice(0, 1),
    description: `altinn-iac acceptance run ${options.runId}`,
  });
  const changed = setupAt(options, prefix, 2, {
    title: `altinn-iac acceptance ${options.runId} (changed)`,
    listName: `altinn-iac acceptance ${options.runId} (changed)`,
    members: options.members.slice(0, 2),
    description: `altinn-iac acceptance run ${options.runId} (changed)`,
    typeFilter: "no.altinn.correspondence.correspondencepublished",
  });
  return { initial, changed };
}

function setupAt(
  options: AcceptanceOptions,
  prefix: string,
  authenticationLevel: number,
  text: {
    title: string;
    listName: string;
    members: string[];
    description: string;
    typeFilter?: string;
  },
): AcceptanceSetup {
  return {
    resourceId: `${prefix}-melding`,
    title: text.title,
    policy: correspondencePolicy(options.org.code, { recipients: RECIPIENTS, authenticationLevel }),
    authenticationLevel,
    list: {
      identifier: `${prefix}-mottakere`,
      name: text.listName,
      members: text.members,
      actionFilters: ["read"],
    },
    client: {
      name: "acceptance-sender",
      clientName: `${prefix}-sender`,
      description: text.description,
      scopes: ["altinn:serviceowner"],
    },
    subscription: {
      name: "acceptance-events",
      endPoint: options.endPoint,
      ...(text.typeFilter ? { typeFilter: text.typeFilter } : {}),
    },
  };
}

/** The setup as the stack config's collections (program/config.ts). */
export function stackCollections(setup: AcceptanceSetup): Record<string, unknown> {
  const text = (value: string) => ({ nb: value, nn: value, en: value });
  return {
    resources: [
      {
        identifier: setup.resourceId,
        title: text(setup.title),
        description: text("Made by `npm run acceptance`; removed at its end or by --sweep."),
        rightDescription: text("Grants nothing: a throwaway acceptance resource."),
        contactPoints: [
          { category: "Support", email: "servicedesk@example.org", telephone: "", contactPage: "" },
        ],
        policy: {
          template: "correspondence",
          recipients: RECIPIENTS,
          authenticationLevel: setup.authenticationLevel,
        },
      },
    ],
    accessLists: [
      {
        identifier: setup.list.identifier,
        name: setup.list.name,
        description: "Made by npm run acceptance",
        members: setup.list.members,
        resources: [{ identifier: setup.resourceId, actionFilters: setup.list.actionFilters }],
      },
    ],
    maskinportenClients: [
      {
        name: setup.client.name,
        clientName: setup.client.clientName,
        description: setup.client.description,
        scopes: setup.client.scopes,
      },
    ],
    subscriptions: [
      {
        name: setup.subscription.name,
        resource: setup.resourceId,
        endPoint: setup.subscription.endPoint,
        ...(setup.subscription.typeFilter ? { typeFilter: setup.subscription.typeFilter } : {}),
      },
    ],
  };
}
