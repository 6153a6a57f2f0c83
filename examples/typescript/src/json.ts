// JSON parsing that keeps 64-bit integers exact.
//
// The service may send a user ID as a bare JSON number (the seat-change
// webhook does), and such IDs can exceed 2^53, where `JSON.parse` silently
// rounds them. The published description types those fields as
// `string | number`; this parser turns every integer that a JavaScript number
// cannot hold exactly into its decimal string, so no ID is ever altered.
import { isSafeNumber, parse } from "lossless-json";

export function parseJsonExact(text: string): unknown {
  return parse(text, null, (digits: string) => (isSafeNumber(digits) ? Number(digits) : digits));
}

/** A user ID as the string the service means, whichever way it arrived. */
export function accountId(value: string | number): string {
  return typeof value === "string" ? value : String(value);
}
