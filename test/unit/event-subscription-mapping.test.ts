import { fromSubscriptionDto, outputsOf } from "../../providers/event-subscription/mapping";
import { eventSubscriptionLifecycle } from "../../providers/event-subscription/provider";
import { UNKNOWN } from "../../providers/lib/check";

/** A subscription's inputs as Events stores them, and a live subscription as inputs and outputs. */

const dto = {
  id: 7,
  endPoint: "https://example.org/altinn/events",
  sourceFilter: null,
  resourceFilter: "urn:altinn:resource:digdir-melding",
  subjectFilter: null,
  alternativeSubjectFilter: null,
  typeFilter: null,
  consumer: "/org/digdir",
  createdBy: "/org/digdir",
  created: "2027-01-01T00:00:00Z",
  validated: true,
};

describe("EventSubscription mapping", () => {
  it("declares the endpoint and resource filter as Events stores them", () => {
    expect(
      eventSubscriptionLifecycle.managedInputs({
        endPoint: "HTTPS://Example.org:443",
        resourceFilter: "urn:altinn:resource:Digdir-Melding",
        validationWaitSeconds: 30,
        __provider: "p",
        subscriptionId: 7,
      }),
    ).toStrictEqual({
      endPoint: "https://example.org/",
      resourceFilter: "urn:altinn:resource:digdir-melding",
      validationWaitSeconds: 30,
    });
  });

  it("leaves values unknown in preview as they are", () => {
    expect(
      eventSubscriptionLifecycle.managedInputs({ endPoint: UNKNOWN, resourceFilter: UNKNOWN }),
    ).toStrictEqual({
      endPoint: UNKNOWN,
      resourceFilter: UNKNOWN,
    });
  });

  it("reads a live subscription without its null filters, keeping the stack's validation wait", () => {
    const managed = { endPoint: dto.endPoint, resourceFilter: "x", validationWaitSeconds: 5 };
    expect(fromSubscriptionDto(dto, managed)).toStrictEqual({
      endPoint: dto.endPoint,
      resourceFilter: dto.resourceFilter,
      validationWaitSeconds: 5,
    });
    expect(
      fromSubscriptionDto({ ...dto, typeFilter: "t", subjectFilter: "s" }, managed),
    ).toStrictEqual({
      endPoint: dto.endPoint,
      resourceFilter: dto.resourceFilter,
      subjectFilter: "s",
      typeFilter: "t",
      validationWaitSeconds: 5,
    });
  });

  it("outputs Events' id, validation, consumer and creation time", () => {
    const inputs = {
      endPoint: dto.endPoint,
      resourceFilter: dto.resourceFilter,
      validationWaitSeconds: 30,
    };
    expect(outputsOf(inputs, dto)).toStrictEqual({
      ...inputs,
      subscriptionId: 7,
      validated: true,
      consumer: "/org/digdir",
      created: "2027-01-01T00:00:00Z",
    });
  });
});
