// A typed client of the Room REST API: openapi-fetch over the types that
// openapi-typescript generates from api-spec/openapi.json.
import createClient, { type Middleware } from "openapi-fetch";
import { Api as UserSigApi } from "tls-sig-api-v2";

import type { paths } from "./generated/api.js";
import { parseJsonExact } from "./json.js";

export interface Credentials {
  baseUrl: string;
  sdkAppId: number;
  secretKey: string;
  admin: string;
}

/** Reads the emulator's defaults, overridable through the environment. */
export function credentialsFromEnv(): Credentials {
  const baseUrl = process.env.TRTC_BASE_URL;
  if (!baseUrl) {
    throw new Error("set TRTC_BASE_URL to the emulator's base URL (room-emulator prints it)");
  }
  return {
    baseUrl,
    sdkAppId: Number(process.env.TRTC_SDK_APP_ID ?? "1400000000"),
    // The emulator's fixed test key; never use it for a real application.
    secretKey:
      process.env.TRTC_SECRET_KEY ?? "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
    admin: process.env.TRTC_ADMIN ?? "administrator",
  };
}

/**
 * Adds the admin identity (`sdkappid`, `identifier`, `usersig`: the
 * document's security schemes) to every call, and parses answers without
 * losing 64-bit integers.
 */
function middleware(creds: Credentials): Middleware {
  const signer = new UserSigApi(creds.sdkAppId, creds.secretKey);
  const userSig = signer.genSig(creds.admin, 86400);
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      url.searchParams.set("sdkappid", String(creds.sdkAppId));
      url.searchParams.set("identifier", creds.admin);
      url.searchParams.set("usersig", userSig);
      const body = await request.text();
      return new Request(url, { method: request.method, headers: request.headers, body });
    },
    async onResponse({ response }) {
      const text = await response.text();
      const contentType = response.headers.get("content-type") ?? "";
      if (!contentType.includes("json")) {
        return new Response(text, response);
      }
      const exact = JSON.stringify(parseJsonExact(text));
      return new Response(exact, { status: response.status, headers: response.headers });
    },
  };
}

export type RoomClient = ReturnType<typeof createClient<paths>>;

export function roomClient(creds: Credentials): RoomClient {
  const client = createClient<paths>({ baseUrl: creds.baseUrl });
  client.use(middleware(creds));
  return client;
}

/** The shared query parameters of every call: a fresh `random`, JSON content. */
export function callQuery(): { random: number; contenttype: "json" } {
  return { random: Math.floor(Math.random() * 4294967296), contenttype: "json" };
}
