// The gateway's AsyncAPI document (/asyncapi/v1.json, generated from the event catalogue) against the official AsyncAPI 3.0
// JSON schema (@asyncapi/specs), with a real validator (ajv, draft-07 as the schema declares, formats checked).
import { test } from "node:test";
import assert from "node:assert/strict";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import specs from "@asyncapi/specs";

const base = process.env.CONCORD_URL;

// The AsyncAPI schema bundles its own copy of the draft-07 meta-schema (same $id as ajv's built-in one), so ajv's is left out.
function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
  addFormats(ajv);
  return ajv.compile(specs.schemas["3.0.0"]);
}

async function fetchDocument() {
  const response = await fetch(`${base}/asyncapi/v1.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /application\/json/);
  return response.json();
}

test("the AsyncAPI document validates against the AsyncAPI 3.0 schema", async () => {
  const doc = await fetchDocument();
  assert.equal(doc.asyncapi, "3.0.0");
  const validate = validator();
  const valid = validate(doc);
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 10), null, 2));
});

test("a broken document is refused by the same validator (the check can fail)", async () => {
  const doc = await fetchDocument();
  const validate = validator();
  const firstOperation = Object.keys(doc.operations)[0];
  doc.operations[firstOperation].action = "publish"; // AsyncAPI 2's verb: not an action in 3.0
  assert.equal(validate(doc), false);
});

test("every reference in the document resolves inside it", async () => {
  const doc = await fetchDocument();
  const refs = [];
  (function walk(node) {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      if (typeof node.$ref === "string") refs.push(node.$ref);
      Object.values(node).forEach(walk);
    }
  })(doc);
  assert.ok(refs.length > 0);
  for (const ref of refs) {
    assert.match(ref, /^#\//, ref);
    let target = doc;
    for (const part of ref.slice(2).split("/")) target = target?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    assert.ok(target !== undefined, `unresolved ${ref}`);
  }
});

test("each client event's reply is its ack or the error ack, and payload schemas carry ids as strings", async () => {
  const doc = await fetchDocument();
  const op = doc.operations["client.join-channel"];
  assert.equal(op.action, "receive");
  assert.deepEqual(op.reply.messages, [{ $ref: "#/channels/gateway/messages/client.join-channel.ack" }]);
  const ack = doc.components.messages["client.join-channel.ack"].payload.oneOf.map((r) => r.$ref);
  assert.deepEqual(ack, ["#/components/schemas/JoinChannelAck", "#/components/schemas/ErrorAck"]);
  assert.equal(doc.components.schemas.ChannelRef.properties.channelId.pattern, "^[0-9]+$");
  assert.equal(doc.operations["server.new-message"].action, "send");
  assert.equal(doc.components.messages["server.new-message"].name, "new-message");
});
