// A room's life cycle through the typed client, against the emulator:
// import accounts, create a room, read it, let members enter (the emulator's
// control API), list the members page by page, destroy the room. Then a live
// room's (TUILiveKit): create it, set and read its metadata, find it in the
// room list, send a gift and read the gift count, destroy it.
// Exits non-zero on the first failure.
import { readFileSync } from "node:fs";

import { callQuery, type Credentials, credentialsFromEnv, type RoomClient, roomClient } from "./client.js";
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

/** Calls the emulator's control API (not part of Tencent's API). */
async function control(creds: Credentials, op: string, body: unknown): Promise<Envelope> {
  const answer = await fetch(new URL(`/emulator/v1/${op}`, creds.baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const envelope = parseJsonExact(await answer.text()) as Envelope;
  check(answer.ok && envelope.ErrorCode === 0, `control ${op} (${envelope.ErrorInfo ?? answer.status})`);
  return envelope;
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
    await control(creds, "enter_room", { RoomId: roomId, Member_Account: member });
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

  await liveLifeCycle(client, creds, tag);

  // A webhook may carry a 64-bit user ID as a bare number: parsed exactly, it
  // arrives as a string instead of a rounded number.
  const samplePath = new URL("../../../api-spec/samples/callback.Mic.CallbackAfterSeatInfoChanged.json", import.meta.url);
  const event = parseJsonExact(readFileSync(samplePath, "utf8")) as Schemas["CallbackAfterSeatInfoChanged"];
  const seatAccount = event.SeatList?.[0]?.Member_Account;
  check(seatAccount === "144115233775727695", `64-bit account kept exactly (${String(seatAccount)})`);
  console.log(`ok   ${"webhook 64-bit account".padEnd(24)} ${seatAccount}`);

  console.log(`typescript life cycle: ${pages} member pages, ${listed.length} members listed`);
}

/**
 * A live room's life cycle (the Live API, TUILiveKit): create, set and read
 * metadata, find the room in the room list, send a gift, read the gift
 * count, destroy.
 */
async function liveLifeCycle(client: RoomClient, creds: Credentials, tag: string): Promise<void> {
  const roomId = `ts-live-${tag}`;
  const host = `ts-host-${tag}`;
  const fan = `ts-fan-${tag}`;
  const imported = expectOk(
    "multiaccount_import",
    await client.POST("/v4/im_open_login_svc/multiaccount_import", {
      params: { query: callQuery() },
      body: { AccountList: [{ UserID: host }, { UserID: fan }] } satisfies Schemas["MultiaccountImportRequest"],
    }),
  );
  check((imported.FailAccounts ?? []).length === 0, "every live account imported");

  const roomInfo: Schemas["LiveRoomInfo"] = {
    RoomId: roomId,
    RoomType: "Live",
    RoomName: "TypeScript live example",
    Owner_Account: host,
    SeatTemplate: "VideoDynamicGrid9Seats",
  };
  expectOk(
    "live_create_room",
    await client.POST("/v4/live_engine_http_srv/create_room", {
      params: { query: callQuery() },
      body: { RoomInfo: roomInfo } satisfies Schemas["LiveCreateRoomRequest"],
    }),
  );

  const metadata: Schemas["LiveMetadata"][] = [
    { Key: "topic", Value: "typescript" },
    { Key: "stage", Value: "warm-up" },
  ];
  expectOk(
    "live_set_room_metadata",
    await client.POST("/v4/live_engine_http_srv/set_room_metadata", {
      params: { query: callQuery() },
      body: { RoomId: roomId, Metadata: metadata } satisfies Schemas["LiveSetRoomMetadataRequest"],
    }),
  );
  const read = expectOk(
    "live_get_room_metadata",
    await client.POST("/v4/live_engine_http_srv/get_room_metadata", {
      params: { query: callQuery() },
      body: { RoomId: roomId, Keys: [] } satisfies Schemas["LiveGetRoomMetadataRequest"],
    }),
  );
  const values = new Map((read.Response?.Metadata ?? []).map((m) => [m.Key, m.Value]));
  for (const { Key, Value } of metadata) {
    check(values.get(Key) === Value, `metadata ${Key} reads back ${Value} (${values.get(Key)})`);
  }
  check(values.size === metadata.length, `only the keys set (${values.size})`);

  // Page through the public rooms until ours shows up or the list ends.
  let next = "";
  let pages = 0;
  let found: Schemas["LiveRoomSummary"] | undefined;
  do {
    const page = expectOk(
      `live_get_room_list #${pages + 1}`,
      await client.POST("/v4/live_engine_http_srv/get_room_list", {
        params: { query: callQuery() },
        body: { Next: next, Count: 20 } satisfies Schemas["LiveGetRoomListRequest"],
      }),
    );
    found = page.Response?.RoomList?.find((r) => r.RoomId === roomId);
    next = page.Response?.Next ?? "";
    pages += 1;
    check(pages <= 50, "room list paging ends");
  } while (found === undefined && next !== "");
  check(found !== undefined, "the room list holds the live room");
  check(found?.RoomName === roomInfo.RoomName, "listed with its name");
  check(
    found?.Owner_Account !== undefined && accountId(found.Owner_Account) === host,
    "listed with its host",
  );

  // Price the gift (the emulator's control API; by default any gift is free).
  await control(creds, "gifts", { GiftList: [{ GiftId: "rose", Coins: 5 }] });
  expectOk(
    "live_send_gift",
    await client.POST("/v4/live_engine_http_srv/send_gift", {
      params: { query: callQuery() },
      body: {
        RoomId: roomId,
        GiftId: "rose",
        Count: 3,
        From_Account: fan,
        ReceiverList_Account: [host],
      } satisfies Schemas["LiveSendGiftRequest"],
    }),
  );
  const gifts = expectOk(
    "live_get_gift_count",
    await client.POST("/v4/live_engine_http_srv/get_gift_count", {
      params: { query: callQuery() },
      body: { RoomId: roomId, From_Account: host } satisfies Schemas["LiveGetGiftCountRequest"],
    }),
  );
  const count = gifts.Response;
  check(count?.TotalCount === 3, `the host received 3 gifts (${count?.TotalCount})`);
  check(count?.TotalCoins === 15, `worth 15 coins (${count?.TotalCoins})`);
  check(count?.GiftSenderCount === 1, `from 1 sender (${count?.GiftSenderCount})`);

  expectOk(
    "live_destroy_room",
    await client.POST("/v4/live_engine_http_srv/destroy_room", {
      params: { query: callQuery() },
      body: { RoomId: roomId } satisfies Schemas["LiveDestroyRoomRequest"],
    }),
  );
  const gone = await client.POST("/v4/live_engine_http_srv/get_room_info", {
    params: { query: callQuery() },
    body: { RoomId: roomId } satisfies Schemas["LiveGetRoomInfoRequest"],
  });
  check(gone.data?.ErrorCode === 100004, "the destroyed live room is gone (100004)");
  console.log(`ok   ${"live_get_room_info (gone)".padEnd(24)} ${gone.data?.ErrorCode}`);
  console.log(`typescript live life cycle: ${values.size} metadata keys, ${pages} room list pages, ${count?.TotalCount} gifts`);
}

main().catch((e: unknown) => {
  console.error(`FAIL ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
