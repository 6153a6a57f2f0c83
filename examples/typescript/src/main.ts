// A room's life cycle through the typed client, against the emulator:
// import accounts, create a room, read it, let members enter (the emulator's
// control API), list the members page by page, destroy the room.
// Exits non-zero on the first failure.
import { readFileSync } from "node:fs";

import { callQuery, credentialsFromEnv, roomClient } from "./client.js";
import type { components } from "./generated/api.js";
import { accountId, parseJsonExact } from "./json.js";

// Each request body is checked against its generated type (`satisfies` or an
// annotation), so a misspelt field fails to compile: the body argument of the
// generic client call alone does not catch extra fields.
type Schemas = components["schemas"];

type Envelope = { ActionStatus?: string; ErrorCode?: number; ErrorInfo?: string; RequestId?: string };

/** Fails unless the call answered HTTP 200 with a successful envelope. */
function expectOk<T extends Envelope>(
  step: string,
  result: { data?: T; error?: unknown; response: Response },
): T {
  const { data, response } = result;
  if (!response.ok || data === undefined) {
    throw new Error(`${step}: HTTP ${response.status}`);
  }
  if (data.ActionStatus !== "OK" || data.ErrorCode !== 0) {
    throw new Error(`${step}: error ${data.ErrorCode}: ${data.ErrorInfo}`);
  }
  console.log(`ok   ${step.padEnd(24)} ${data.RequestId ?? ""}`);
  return data;
}

function check(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
}

async function main(): Promise<void> {
  const creds = credentialsFromEnv();
  const client = roomClient(creds);
  const tag = `${Date.now()}`;
  const roomId = `ts-room-${tag}`;
  const owner = `ts-owner-${tag}`;
  const members = ["alice", "bob", "carol", "dave", "erin"].map((name) => `ts-${name}-${tag}`);

  expectOk(
    "account_import",
    await client.POST("/v4/im_open_login_svc/account_import", {
      params: { query: callQuery() },
      body: { UserID: owner, Nick: "Owner" } satisfies Schemas["AccountImportRequest"],
    }),
  );
  const imported = expectOk(
    "multiaccount_import",
    await client.POST("/v4/im_open_login_svc/multiaccount_import", {
      params: { query: callQuery() },
      body: { AccountList: members.map((UserID) => ({ UserID })) } satisfies Schemas["MultiaccountImportRequest"],
    }),
  );
  check((imported.FailAccounts ?? []).length === 0, "every account imported");

  const roomInfo: Schemas["RoomInfo"] = {
    RoomId: roomId,
    RoomName: "TypeScript example",
    RoomType: "Conference",
    Owner_Account: owner,
    MaxMemberCount: 50,
  };
  const create: Schemas["CreateRoomRequest"] = { RoomInfo: roomInfo };
  expectOk(
    "create_room",
    await client.POST("/v4/room_engine_http_srv/create_room", {
      params: { query: callQuery() },
      body: create,
    }),
  );

  const info = expectOk(
    "get_room_info",
    await client.POST("/v4/room_engine_http_srv/get_room_info", {
      params: { query: callQuery() },
      body: { RoomId: roomId } satisfies Schemas["GetRoomInfoRequest"],
    }),
  );
  const room = info.Response?.RoomInfo;
  check(room?.RoomId === roomId, "get_room_info returns the room");
  check(room?.Owner_Account !== undefined && accountId(room.Owner_Account) === owner, "owner kept");

  for (const member of members) {
    const answer = await fetch(new URL("/emulator/v1/enter_room", creds.baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ RoomId: roomId, Member_Account: member }),
    });
    const envelope = parseJsonExact(await answer.text()) as Envelope;
    check(answer.ok && envelope.ErrorCode === 0, `${member} enters (${envelope.ErrorInfo ?? answer.status})`);
  }
  console.log(`ok   ${"enter_room (control)".padEnd(24)} ${members.length} members`);

  // Page through the member list two at a time until `Next` comes back empty.
  const listed: string[] = [];
  let next = "";
  let pages = 0;
  do {
    const page = expectOk(
      `get_room_member_list #${pages + 1}`,
      await client.POST("/v4/room_engine_http_srv/get_room_member_list", {
        params: { query: callQuery() },
        body: { RoomId: roomId, Count: 2, Next: next } satisfies Schemas["GetRoomMemberListRequest"],
      }),
    );
    for (const member of page.Response?.MemberList ?? []) {
      listed.push(accountId(member.Member_Account));
    }
    next = page.Response?.Next ?? "";
    pages += 1;
    check(pages <= 20, "paging ends");
  } while (next !== "");
  check(pages >= 3, `the list came in several pages (${pages})`);
  check(new Set(listed).size === listed.length, "no member listed twice");
  for (const member of members) {
    check(listed.includes(member), `${member} listed`);
  }

  expectOk(
    "destroy_room",
    await client.POST("/v4/room_engine_http_srv/destroy_room", {
      params: { query: callQuery() },
      body: { RoomId: roomId } satisfies Schemas["DestroyRoomRequest"],
    }),
  );
  const gone = await client.POST("/v4/room_engine_http_srv/get_room_info", {
    params: { query: callQuery() },
    body: { RoomId: roomId } satisfies Schemas["GetRoomInfoRequest"],
  });
  check(gone.data?.ErrorCode === 100004, "the destroyed room is gone (100004)");
  console.log(`ok   ${"get_room_info (gone)".padEnd(24)} ${gone.data?.ErrorCode}`);

  // A webhook may carry a 64-bit user ID as a bare number: parsed exactly, it
  // arrives as a string instead of a rounded number.
  const samplePath = new URL("../../../api-spec/samples/callback.Mic.CallbackAfterSeatInfoChanged.json", import.meta.url);
  const event = parseJsonExact(readFileSync(samplePath, "utf8")) as Schemas["CallbackAfterSeatInfoChanged"];
  const seatAccount = event.SeatList?.[0]?.Member_Account;
  check(seatAccount === "144115233775727695", `64-bit account kept exactly (${String(seatAccount)})`);
  console.log(`ok   ${"webhook 64-bit account".padEnd(24)} ${seatAccount}`);

  console.log(`typescript life cycle: ${pages} member pages, ${listed.length} members listed`);
}

main().catch((e: unknown) => {
  console.error(`FAIL ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
