import type { StackConfig } from "../../program/config";
import { subscriptionAccessListWarnings } from "../../program/event-subscriptions";

/** Owner subscriptions to a resource in access-list mode: what the PDP lets through. */

function config(
  actionFilters: string[] | undefined,
  subjectFilter?: string,
  accessListMode = "Enabled",
): StackConfig {
  return {
    resources: [{ identifier: "digdir-melding", accessListMode }],
    accessLists: [
      {
        identifier: "mottakere",
        members: ["310654321"],
        resources: [{ identifier: "digdir-melding", ...(actionFilters ? { actionFilters } : {}) }],
      },
    ],
    subscriptions: [
      {
        name: "events",
        resource: "digdir-melding",
        ...(subjectFilter ? { subjectFilter } : {}),
      },
    ],
  } as unknown as StackConfig;
}

describe("subscriptionAccessListWarnings", () => {
  it("says nothing when the mode is not Enabled", () => {
    expect(subscriptionAccessListWarnings(config(["read"], undefined, "Disabled"))).toStrictEqual(
      [],
    );
  });

  it("warns that no event is delivered when no connected list lets a party subscribe", () => {
    expect(subscriptionAccessListWarnings(config(["read"]))).toStrictEqual([
      'subscription events: resource digdir-melding has accessListMode Enabled and none of its access lists (mottakere [read]) lets a party subscribe, so Altinn Events delivers none of its events (the PDP asks "subscribe" with each event\'s subject as the party): add "subscribe" to the actionFilters of the list holding the recipients whose events you want, or leave actionFilters empty',
    ]);
  });

  it("warns that a subscription without subjectFilter cannot be made again while the mode is on", () => {
    for (const filters of [["read", "subscribe"], undefined]) {
      expect(subscriptionAccessListWarnings(config(filters))).toStrictEqual([
        "subscription events: resource digdir-melding has accessListMode Enabled, and Events refuses a subscription without subjectFilter while it is (the PDP has no party to look up in the lists: 403). This stack creates the subscription before it switches the mode on; a later change of its endpoint or filters (a new subscription) is refused until the mode is Disabled, or give a subjectFilter naming an organisation on mottakere",
      ]);
    }
  });

  it("with the previous deployment known, warns only about a new subscription beside a mode that is on", () => {
    const subscription =
      "subscription:urn:altinn:resource:digdir-melding https://example.org/hook  ";
    const mode = "mode:digdir-melding";
    const withEndpoint = (c: StackConfig) => {
      (c.subscriptions[0] as { endPoint?: string }).endPoint = "https://example.org/hook";
      return c;
    };
    const warnings = (deployed: string[]) =>
      subscriptionAccessListWarnings(withEndpoint(config(["subscribe"])), new Set(deployed));
    // First deploy: the stack makes the subscription before the switch. Both exist: nothing to do.
    expect(warnings([])).toStrictEqual([]);
    expect(warnings([subscription, mode])).toStrictEqual([]);
    // A changed endpoint is a new subscription, and the mode is already on.
    expect(warnings([mode])).toStrictEqual([
      "subscription events: this up makes a new subscription while the accessListMode of digdir-melding is already Enabled, and Events refuses one without subjectFilter then (the PDP has no party to look up in the lists: 403): set accessListMode: Disabled for this up and Enabled again in the next, or give a subjectFilter naming an organisation on mottakere",
    ]);
  });

  it("accepts a subject filter naming a member and warns about one that does not", () => {
    const member = "urn:altinn:organization:identifier-no:310654321";
    expect(subscriptionAccessListWarnings(config(["subscribe"], member))).toStrictEqual([]);
    expect(
      subscriptionAccessListWarnings(
        config(["subscribe"], "urn:altinn:organization:identifier-no:311987654"),
      ),
    ).toStrictEqual([
      "subscription events: resource digdir-melding has accessListMode Enabled and subjectFilter urn:altinn:organization:identifier-no:311987654 is not an organisation on mottakere (the lists that let a party subscribe), so the PDP refuses the subscription and its events: add the organisation to such a list",
    ]);
  });
});
