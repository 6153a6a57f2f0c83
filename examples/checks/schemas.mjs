// Checks the published schemas with Ajv, as a JavaScript team would use them:
//  1. every api-spec/schema/*.schema.json compiles under Draft 2020-12 in
//     strict mode, and so does every OpenAPI component schema;
//  2. every documented sample (api-spec/samples) validates against its
//     per-message schema and against the OpenAPI document's schema for it;
//  3. requests the service refuses are refused by both.
// Vendor `x-` keywords are registered as annotations (no validation);
// standard formats come from ajv-formats. Prints one line per failure and a
// closing `N passed, N failed`; exits 1 on any failure.
import { readdirSync, readFileSync } from "node:fs";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";

const spec = new URL("../../api-spec/", import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(new URL(path, spec), "utf8"));

let passed = 0;
let failed = 0;
const counts = {};
function record(group, ok, what) {
  counts[group] ??= { passed: 0, failed: 0 };
  if (ok) {
    passed += 1;
    counts[group].passed += 1;
  } else {
    failed += 1;
    counts[group].failed += 1;
    console.log(`FAIL [${group}] ${what}`);
  }
}

// Every `x-` key used anywhere in these documents.
function vendorKeywords(value, found = new Set()) {
  if (Array.isArray(value)) {
    value.forEach((v) => vendorKeywords(v, found));
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith("x-")) found.add(key);
      vendorKeywords(v, found);
    }
  }
  return found;
}

function newAjv(keywords) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const keyword of keywords) ajv.addKeyword({ keyword });
  return ajv;
}

const errorText = (errors) =>
  (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");

// --- 1a. The per-message schema files ---------------------------------------
const schemaFiles = readdirSync(new URL("schema/", spec)).filter((f) => f.endsWith(".schema.json")).sort();
const fileSchemas = new Map(schemaFiles.map((f) => [f, readJson(`schema/${f}`)]));
const openapi = readJson("openapi.json");
const keywords = vendorKeywords([...fileSchemas.values(), openapi.components?.schemas ?? {}]);
console.log(`vendor keywords registered as annotations: ${[...keywords].sort().join(", ") || "none"}`);

const fileAjv = newAjv(keywords);
for (const [file, schema] of fileSchemas) {
  const id = schema.$id;
  const absolute = typeof id === "string" && /^[a-z][a-z0-9+.-]*:/i.test(id);
  record("schema files: absolute $id", absolute, `${file}: $id ${JSON.stringify(id)} is not an absolute URI`);
  try {
    fileAjv.addSchema(schema, absolute ? undefined : file);
  } catch (e) {
    record("schema files: compile (Ajv 2020 strict)", false, `${file}: ${e.message}`);
  }
}
const fileValidators = new Map();
for (const [file, schema] of fileSchemas) {
  try {
    fileValidators.set(file, fileAjv.getSchema(schema.$id ?? file));
    record("schema files: compile (Ajv 2020 strict)", true, file);
  } catch (e) {
    record("schema files: compile (Ajv 2020 strict)", false, `${file}: ${e.message}`);
  }
}

// --- 1b. The OpenAPI components ---------------------------------------------
// OpenAPI keeps shared schemas under `components/schemas`; as a standalone
// JSON Schema they sit under `$defs` of one document, with the same
// references pointing there.
const COMPONENTS = "urn:trtc-room:openapi-components";
function retarget(value) {
  if (Array.isArray(value)) return value.map(retarget);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] =
        key === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/")
          ? `${COMPONENTS}#/$defs/${v.slice("#/components/schemas/".length)}`
          : retarget(v);
    }
    return out;
  }
  return value;
}
// The OpenAPI 3.1 dialect adds these annotation keywords to JSON Schema.
const oasKeywords = ["discriminator", "xml", "externalDocs", "example"];
const oasAjv = newAjv([...keywords, ...oasKeywords]);
const components = openapi.components?.schemas ?? {};
try {
  oasAjv.addSchema({ $id: COMPONENTS, $defs: retarget(components) });
} catch (e) {
  record("components: compile (Ajv 2020 strict)", false, `components: ${e.message}`);
}
for (const name of Object.keys(components).sort()) {
  try {
    oasAjv.compile({ $ref: `${COMPONENTS}#/$defs/${name}` });
    record("components: compile (Ajv 2020 strict)", true, name);
  } catch (e) {
    record("components: compile (Ajv 2020 strict)", false, `${name}: ${e.message}`);
  }
}
const oasValidator = (schema) => oasAjv.compile(retarget(schema));

// --- 2. Documented samples --------------------------------------------------
// Which schema each sample belongs to: the `samples:` lists of the spec, and
// the schema file names of api-spec/catalog.json.
const catalog = readJson("catalog.json");
const bodySchema = (content) => content?.["application/json"]?.schema;
const sampleTargets = new Map();
const serviceFiles = readdirSync(new URL("services/", spec)).filter((f) => f.endsWith(".yaml"));
for (const file of serviceFiles) {
  const service = parseYaml(readFileSync(new URL(`services/${file}`, spec), "utf8"));
  for (const command of service.commands ?? []) {
    const entry = catalog.commands.find((c) => c.service === service.servicename && c.command === command.command);
    const op = openapi.paths?.[`/v4/${service.servicename}/${command.command}`]?.post;
    for (const sample of command.samples ?? []) {
      if (sample.request) {
        sampleTargets.set(sample.request, {
          file: entry?.request_schema,
          oas: bodySchema(op?.requestBody?.content),
        });
      }
      if (sample.response) {
        sampleTargets.set(sample.response, {
          file: entry?.response_schema,
          oas: bodySchema(op?.responses?.["200"]?.content),
        });
      }
    }
  }
}
const webhookSpec = parseYaml(readFileSync(new URL("webhooks.yaml", spec), "utf8"));
for (const hook of webhookSpec.webhooks ?? []) {
  const entry = catalog.webhooks.find((w) => w.command === hook.command);
  for (const sample of hook.samples ?? []) {
    sampleTargets.set(sample, {
      file: entry?.schema,
      oas: bodySchema(openapi.webhooks?.[hook.command]?.post?.requestBody?.content),
    });
  }
}
if (webhookSpec.ack_sample) {
  const anyHook = Object.values(openapi.webhooks ?? {})[0]?.post;
  sampleTargets.set(webhookSpec.ack_sample, {
    file: catalog.webhook_ack_schema,
    oas: bodySchema(anyHook?.responses?.["200"]?.content),
  });
}
// The envelope on its own (what every command answers on failure).
sampleTargets.set("common.envelope.response.json", {
  file: "Envelope.schema.json",
  oas: components.Envelope ? { $ref: "#/components/schemas/Envelope" } : undefined,
});
const targetsOf = (sample) => sampleTargets.get(sample);

function validateBoth(label, body, targets, expectValid, group) {
  const checks = [];
  {
    const v = fileValidators.get(targets.file);
    if (!v) {
      const why = fileSchemas.has(targets.file) ? "did not compile" : "does not exist";
      record(group, false, `${label}: its schema file ${targets.file} ${why}`);
    } else {
      checks.push([`schema/${targets.file}`, v]);
    }
  }
  if (!targets.oas) {
    record(group, false, `${label}: the OpenAPI document has no schema for it`);
  } else {
    try {
      checks.push(["openapi.json", oasValidator(targets.oas)]);
    } catch (e) {
      record(group, false, `${label}: OpenAPI schema does not compile: ${e.message}`);
    }
  }
  for (const [where, validate] of checks) {
    const valid = validate(body);
    record(
      group,
      valid === expectValid,
      expectValid
        ? `${label} is refused by ${where}: ${errorText(validate.errors)}`
        : `${label} is accepted by ${where}`,
    );
  }
}

for (const [sample, targets] of [...sampleTargets].sort()) {
  validateBoth(sample, readJson(`samples/${sample}`), targets, true, "samples validate");
}
const unlisted = readdirSync(new URL("samples/", spec)).filter((f) => f.endsWith(".json") && !sampleTargets.has(f));
console.log(`samples the spec does not reference (not checked): ${unlisted.join(", ") || "none"}`);
const liveSamples = [...sampleTargets.keys()].filter((f) => /^(live_|callback\.Live\.)/.test(f));
console.log(`Live samples checked (live_*, callback.Live.*): ${liveSamples.length}`);

// --- 3. Requests the service refuses -----------------------------------------
const createRoom = readJson("samples/room_engine_http_srv.create_room.request.json");
const memberInfo = readJson("samples/room_engine_http_srv.update_room_member_info.request.json");
const withRoomInfo = (changes) => ({ ...createRoom, RoomInfo: { ...createRoom.RoomInfo, ...changes } });
const withoutKey = (object, key) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
const refused = [
  ["create_room", "null for an optional field", withRoomInfo({ RoomName: null })],
  ["create_room", "an unknown top-level field", { ...createRoom, Unknown: 1 }],
  ["create_room", "an unknown field in RoomInfo", withRoomInfo({ RoomTitle: "x" })],
  ["create_room", 'RoomType "Banana"', withRoomInfo({ RoomType: "Banana" })],
  ["create_room", 'RoomType "Meeting" (response-only)', withRoomInfo({ RoomType: "Meeting" })],
  ["create_room", 'TakeSeatMode "None" (response-only)', withRoomInfo({ TakeSeatMode: "None" })],
  ["create_room", "a 48-character CJK RoomId (144 bytes)", withRoomInfo({ RoomId: "房".repeat(48) })],
  ["create_room", "a number as a string", withRoomInfo({ MaxMemberCount: "300" })],
  ["create_room", "a string for a boolean", withRoomInfo({ IsVideoDisabled: "yes" })],
  ["create_room", "a number for a string list", { ...createRoom, ScheduleInviteeList_Account: 5 }],
  ["create_room", "RoomInfo without RoomId", { ...createRoom, RoomInfo: withoutKey(createRoom.RoomInfo, "RoomId") }],
  ["create_room", "no RoomInfo", withoutKey(createRoom, "RoomInfo")],
  [
    "update_room_member_info",
    'Role "Owner" (response-only)',
    { ...memberInfo, MemberInfo: { ...memberInfo.MemberInfo, Role: "Owner" } },
  ],
  ["update_room_member_info", "no MemberInfo", withoutKey(memberInfo, "MemberInfo")],
  ["update_room_member_info", "a number for RoomId", { ...memberInfo, RoomId: 7 }],
];
for (const [command, what, body] of refused) {
  const sample = `room_engine_http_srv.${command}.request.json`;
  validateBoth(`${command} with ${what}`, body, targetsOf(sample), false, "invalid requests refused");
}

// The same for the Live API (live_engine_http_srv).
const liveCreate = readJson("samples/live_engine_http_srv.create_room.request.json");
const liveMetadata = readJson("samples/live_engine_http_srv.set_room_metadata.request.json");
const liveRoomList = readJson("samples/live_engine_http_srv.get_room_list.request.json");
const liveGift = readJson("samples/live_engine_http_srv.send_gift.request.json");
const withLiveInfo = (changes) => ({ ...liveCreate, RoomInfo: { ...liveCreate.RoomInfo, ...changes } });
const liveRefused = [
  ["create_room", 'RoomType "Conference" (a Room type)', withLiveInfo({ RoomType: "Conference" })],
  ["create_room", 'SeatTemplate "Banana"', withLiveInfo({ SeatTemplate: "Banana" })],
  ["create_room", "an unknown field in RoomInfo", withLiveInfo({ RoomTitle: "x" })],
  ["create_room", "RoomInfo without RoomType", { RoomInfo: withoutKey(liveCreate.RoomInfo, "RoomType") }],
  ["create_room", "a string for a boolean", withLiveInfo({ IsPublicVisible: "yes" })],
  [
    "set_room_metadata",
    "11 keys (at most 10)",
    { ...liveMetadata, Metadata: Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) },
  ],
  ["set_room_metadata", "a key without Value", { ...liveMetadata, Metadata: [{ Key: "k" }] }],
  ["get_room_list", "Count 21 (at most 20)", { ...liveRoomList, Count: 21 }],
  ["get_room_list", "no Next", withoutKey(liveRoomList, "Next")],
  ["send_gift", "a string for ReceiverList_Account", { ...liveGift, ReceiverList_Account: "user2" }],
  ["send_gift", "no From_Account", withoutKey(liveGift, "From_Account")],
];
for (const [command, what, body] of liveRefused) {
  const sample = `live_engine_http_srv.${command}.request.json`;
  validateBoth(`live ${command} with ${what}`, body, targetsOf(sample), false, "invalid requests refused");
}

console.log("");
for (const [group, c] of Object.entries(counts)) {
  console.log(`  ${group.padEnd(44)} ${c.passed} passed, ${c.failed} failed`);
}
console.log(`schemas: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
