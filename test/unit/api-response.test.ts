import { z } from "zod";
import { parseBody } from "../../providers/api/response";

/** Answers read with minimal schemas: what the code relies on, or an error naming what differs. */

const response = (data: unknown) => ({
  status: 200,
  headers: {},
  data,
  text: JSON.stringify(data),
});
const request = { service: "Altinn Events", operation: "read subscription 7" } as const;
const schema = z.looseObject({ id: z.number(), validated: z.boolean() });

describe("parseBody", () => {
  it("returns the body with the fields the schema does not name", () => {
    expect(
      parseBody(schema, response({ id: 7, validated: true, extra: "kept" }), request),
    ).toStrictEqual({
      id: 7,
      validated: true,
      extra: "kept",
    });
  });

  it("fails naming the service, the operation and the first field that differs", () => {
    expect(() => parseBody(schema, response({ id: "7", validated: true }), request)).toThrow(
      'Altinn Events: the answer to "read subscription 7" is not what the API documents (id: Invalid input: expected number, received string); the API may have changed: report this message to the altinn-iac maintainers',
    );
  });
});
