"use strict";
// The Room Emulator console: polls the read-only endpoints every 500 ms and
// drives the control API. Plain DOM, no framework; every value from the
// emulator goes in through textContent.
(function () {
  const POLL_MS = 500;
  const token = new URLSearchParams(location.search).get("token");
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const $ = (id) => document.getElementById(id);
  const open = { requests: new Set(), deliveries: new Set() };
  const last = {};

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  async function getJson(path) {
    const r = await fetch(path, { headers, cache: "no-store" });
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  async function control(op, body) {
    const out = $("action-result");
    try {
      const r = await fetch("/emulator/v1/" + op, {
        method: "POST",
        headers: Object.assign({ "Content-Type": "application/json" }, headers),
        body: JSON.stringify(body || {}),
      });
      const answer = await r.json();
      const ok = answer.ErrorCode === 0;
      out.className = ok ? "good" : "bad";
      out.textContent = op + ": " + (ok ? "OK" : answer.ErrorCode + " " + answer.ErrorInfo);
      poll(true);
      return answer;
    } catch (e) {
      out.className = "bad";
      out.textContent = op + ": " + e.message;
    }
  }

  const time = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false }) + "." + String(ms % 1000).padStart(3, "0");
  const secs = (s) => (s ? new Date(s * 1000).toISOString().replace("T", " ").slice(0, 19) : "–");
  const latency = (us) => (us >= 1000 ? (us / 1000).toFixed(1) + " ms" : us + " µs");
  const pretty = (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));
  const empty = (text) => h("div", { class: "empty" }, text);

  function chips(label, items, cls) {
    if (!items || items.length === 0) return null;
    return h("div", { class: "row" }, h("span", { class: "label" }, label), items.map((it) =>
      typeof it === "string"
        ? h("span", { class: "chip " + (cls || ""), "data-member": it }, it)
        : h("span", { class: "chip " + (it.cls || cls || ""), "data-member": it.id }, it.id, it.note ? h("small", {}, it.note) : null)));
  }

  function roomCard(r) {
    const info = r.RoomInfo || {};
    const owner = info.Owner_Account;
    const members = r.Members.map((m) => ({
      id: m.Member_Account,
      cls: m.Role === "Owner" ? "owner" : m.Role === "Admin" ? "admin" : "",
      note: m.Role && m.Role !== "Member" ? m.Role : "",
    }));
    const seats = r.Seats.length
      ? h("div", { class: "row" }, h("span", { class: "label" }, "seats"), h("div", { class: "seats" }, r.Seats.map((s) =>
          h("div", { class: "seat" + (s.Member_Account ? " taken" : "") + (s.IsTakenDisabled ? " locked" : ""), title: "seat " + s.Index },
            h("span", {}, "#" + s.Index + (s.IsTakenDisabled ? " 🔒" : "")),
            h("b", {}, s.Member_Account || "free")))))
      : null;
    return h("div", { class: "card room", "data-room-id": r.RoomId },
      h("div", { class: "card-head" },
        h("span", { class: "id" }, r.RoomId),
        h("span", { class: "tag" }, info.RoomType || "Room"),
        info.RoomName ? h("span", {}, info.RoomName) : null,
        h("span", { class: "muted" }, "owner " + (owner || "–") + " · " + r.Members.length + "/" + (info.MaxMemberCount || "?") + " members")),
      members.length ? chips("members", members) : h("div", { class: "row" }, h("span", { class: "label" }, "members"), h("span", { class: "muted" }, "none")),
      seats,
      chips("banned", r.Bans.map((b) => ({ id: b.Member_Account, note: "until " + secs(b.EndTime) })), "banned"),
      chips("invited", r.Invitees));
  }

  function liveCard(r) {
    const info = r.RoomInfo || {};
    const meta = Object.entries(r.Metadata || {});
    return h("div", { class: "card live-room", "data-room-id": r.RoomId },
      h("div", { class: "card-head" },
        h("span", { class: "id" }, r.RoomId),
        h("span", { class: "tag live" }, "Live"),
        info.RoomName ? h("span", {}, info.RoomName) : null,
        h("span", { class: "muted" }, "owner " + (info.Owner_Account || "–") + " · " + r.Online.length + " online · " +
          (info.ViewCount || 0) + " views · " + r.Likes + " likes · " + r.Messages + " msgs · " + r.Gifts + " gifts")),
      r.Online.length ? chips("online", r.Online.map((m) => ({ id: m.Member_Account, cls: m.Member_Account === info.Owner_Account ? "owner" : "" })))
        : h("div", { class: "row" }, h("span", { class: "label" }, "online"), h("span", { class: "muted" }, "nobody")),
      chips("admins", r.Admins, "admin"),
      chips("banned", r.Bans.map((b) => ({ id: b.Member_Account, note: "until " + secs(b.EndTime) })), "banned"),
      chips("muted", r.Mutes.map((m) => ({ id: m.Member_Account, note: "until " + secs(m.EndTime) })), "muted"),
      chips("robots", r.Robots),
      r.Battle ? h("div", { class: "row" }, h("span", { class: "label" }, "battle"), h("span", { class: "chip" }, r.Battle)) : null,
      meta.length ? h("div", { class: "row" }, h("span", { class: "label" }, "metadata"),
        h("table", { class: "kv" }, meta.map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", {}, v))))) : null);
  }

  function renderState(s) {
    $("app-id").textContent = s.SdkAppId;
    $("admin").textContent = s.Admin;
    $("clock").textContent = secs(s.Clock.NowUnixSeconds);
    $("clock-offset").textContent = s.Clock.OffsetSeconds ? "(" + (s.Clock.OffsetSeconds > 0 ? "+" : "") + s.Clock.OffsetSeconds + " s)" : "";
    $("requests-total").textContent = s.RequestsRecorded;
    $("deliveries-total").textContent = s.DeliveriesRecorded;
    $("rooms-count").textContent = s.Rooms.length;
    $("live-count").textContent = s.LiveRooms.length;
    $("rooms").replaceChildren(...(s.Rooms.length ? s.Rooms.map(roomCard) : [empty("no rooms yet: create one with create_room")]));
    $("live-rooms").replaceChildren(...(s.LiveRooms.length ? s.LiveRooms.map(liveCard) : [empty("no live rooms")]));
    $("faults").replaceChildren(...s.Faults.map((f) => h("li", { class: "fault" },
      "next " + f.Count + " × " + f.Command + ": " + f.Kind +
      (f.ErrorCode !== undefined ? " " + f.ErrorCode : "") + (f.HttpStatus !== undefined ? " " + f.HttpStatus : "") +
      (f.DelayMs ? " after " + f.DelayMs + " ms" : ""))));
    $("accounts-count").textContent = s.Accounts.length;
    $("accounts").replaceChildren(s.Accounts.length
      ? h("div", { class: "row" }, s.Accounts.map((a) => h("span", { class: "chip", "data-account": a.UserID }, a.UserID, a.Nick ? h("small", {}, a.Nick) : null)))
      : empty("none imported"));
    const cb = (name, c) => c
      ? h("div", { class: "row" }, h("span", { class: "label" }, name), h("span", {}, c.Url), h("span", { class: "muted" }, c.Commands.length + " callbacks"))
      : h("div", { class: "row" }, h("span", { class: "label" }, name), h("span", { class: "muted" }, "not configured"));
    $("callbacks").replaceChildren(cb("Room", s.Callback), cb("Live", s.LiveCallback));
  }

  function remember(kind, id, details) {
    details.addEventListener("toggle", () => {
      if (details.open) open[kind].add(id); else open[kind].delete(id);
    });
    if (open[kind].has(id)) details.open = true;
    return details;
  }

  function renderRequests(list) {
    $("requests").replaceChildren(...(list.length ? list.map((r) => {
      const code = r.ErrorCode === null ? (r.HttpStatus === null ? "no answer" : "HTTP " + r.HttpStatus) : r.ErrorCode;
      const details = h("details", { class: "request", "data-id": r.Id, "data-command": r.Command, "data-code": String(code) },
        h("summary", {},
          h("span", { class: "cell" }, time(r.TimeMillis)),
          h("span", { class: "cell", title: r.Path }, r.Service ? r.Command : r.Path, h("small", { class: "muted" }, r.Service ? "  " + r.Service : "")),
          h("span", { class: "cell code " + (r.Failed ? "bad" : "ok") }, code,
            r.SampleAnswer ? h("small", { class: "muted", title: "no handler: the command's documented sample answered" }, " sample answer") : null),
          h("span", { class: "cell" }, latency(r.LatencyMicros)),
          h("span", { class: "cell", title: r.RequestId || "" }, r.RequestId || "–"),
          h("span", { class: "cell" }, (r.Rooms || []).join(", "))),
        h("div", { class: "body" },
          h("div", { class: "full" }, h("span", { class: "muted" }, r.Method + " " + r.Path + "?" + r.Query)),
          h("div", {}, h("span", { class: "muted" }, "request"), h("pre", {}, r.Request === null ? "(empty)" : pretty(r.Request))),
          h("div", {}, h("span", { class: "muted" }, "answer" + (r.ErrorInfo ? " — " + r.ErrorInfo : "")), h("pre", {}, r.Answer === null ? "(none)" : pretty(r.Answer)))));
      return remember("requests", r.Id, details);
    }) : [empty("no requests match")]));
  }

  function renderDeliveries(list) {
    $("deliveries").replaceChildren(...(list.length ? list.map((d) => {
      const answer = d.Error ? d.Error : d.Answer === null ? "(empty)" : pretty(d.Answer);
      const resend = h("button", {
        type: "button", class: "resend", "data-id": d.Id,
        onclick: (e) => { e.preventDefault(); e.stopPropagation(); control("resend_delivery", { Id: d.Id }); },
      }, "Send again");
      const details = h("details", { class: "delivery", "data-id": d.Id, "data-command": d.CallbackCommand, "data-status": String(d.HttpStatus) },
        h("summary", {},
          h("span", { class: "cell" }, time(d.TimeMillis)),
          h("span", { class: "cell" }, d.CallbackCommand, d.ResendOf ? h("small", { class: "muted" }, "  resend of #" + d.ResendOf) : null),
          h("span", { class: "cell", title: d.Url }, d.Target),
          h("span", { class: "cell code " + (d.Delivered ? "ok" : "bad") }, d.HttpStatus === null ? "–" : d.HttpStatus),
          h("span", { class: "cell answer", title: answer }, typeof d.Answer === "object" && d.Answer !== null ? JSON.stringify(d.Answer) : answer),
          h("span", { class: "cell" }, latency(d.LatencyMicros)),
          h("span", { class: "cell" }, d.Attempts + (d.Retries ? " (" + d.Retries + " retries)" : "")),
          h("span", { class: "cell" }, resend)),
        h("div", { class: "body" },
          h("div", { class: "full" }, h("span", { class: "muted" }, "POST " + d.Url)),
          h("div", {}, h("span", { class: "muted" }, "body"), h("pre", {}, pretty(d.Body))),
          h("div", {}, h("span", { class: "muted" }, "receiver's answer"), h("pre", {}, answer))));
      return remember("deliveries", d.Id, details);
    }) : [empty("no deliveries yet: configure a callback URL with set_callback")]));
  }

  function requestQuery() {
    const q = new URLSearchParams({ limit: "200" });
    for (const [param, id] of [["room", "filter-room"], ["command", "filter-command"], ["error", "filter-error"]]) {
      const v = $(id).value.trim();
      if (v) q.set(param, v);
    }
    return "/emulator/v1/requests?" + q;
  }

  // Renders a view only when its data changed (keeps scroll and selection).
  function changed(key, data) {
    const text = JSON.stringify(data);
    if (last[key] === text) return false;
    last[key] = text;
    return true;
  }

  let polling = false;
  let timer = null;
  async function poll(now) {
    if (polling) return;
    polling = true;
    clearTimeout(timer);
    const status = $("status");
    try {
      const [state, requests, deliveries] = await Promise.all([
        getJson("/emulator/v1/state"),
        getJson(requestQuery()),
        getJson("/emulator/v1/deliveries?limit=200"),
      ]);
      if (changed("state", state)) renderState(state);
      if (changed("requests", requests.Requests)) renderRequests(requests.Requests);
      if (changed("deliveries", deliveries.Deliveries)) renderDeliveries(deliveries.Deliveries);
      status.className = "live";
      $("status-text").textContent = "live";
    } catch (e) {
      status.className = "down";
      $("status-text").textContent = e.message;
    } finally {
      polling = false;
      timer = setTimeout(poll, now === true ? POLL_MS : POLL_MS);
    }
  }

  $("fault-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const kind = $("fault-kind").value;
    const value = $("fault-value").value.trim();
    const body = {
      Count: Number($("fault-count").value) || 1,
      DelayMs: Number($("fault-delay").value) || 0,
    };
    const command = $("fault-command").value.trim();
    if (command) body.Command = command;
    if (kind === "ErrorCode") body.ErrorCode = Number(value);
    else if (kind === "HttpStatus") body.HttpStatus = Number(value) || 502;
    else if (kind !== "Delay") body[kind] = true;
    control("faults", body);
  });
  $("fault-kind").addEventListener("change", () => {
    const kind = $("fault-kind").value;
    $("fault-value").disabled = kind !== "ErrorCode" && kind !== "HttpStatus";
    if (kind === "HttpStatus") $("fault-value").value = "502";
    if (kind === "ErrorCode") $("fault-value").value = "60007";
  });
  $("clear-faults").addEventListener("click", () => control("clear_faults", {}));
  $("advance-clock").addEventListener("click", () =>
    control("clock", { AdvanceSeconds: Number($("clock-seconds").value) || 0 }));
  for (const b of document.querySelectorAll("[data-advance]")) {
    b.addEventListener("click", () => control("clock", { AdvanceSeconds: Number(b.dataset.advance) }));
  }
  const member = () => ({ RoomId: $("client-room").value.trim(), Member_Account: $("client-account").value.trim() });
  $("client-enter").addEventListener("click", () => control("enter_room", member()));
  $("client-leave").addEventListener("click", () => control("leave_room", member()));
  $("client-seat-take").addEventListener("click", () =>
    control("take_seat", Object.assign(member(), { Index: Number($("client-seat").value) })));
  for (const id of ["filter-room", "filter-command", "filter-error"]) {
    for (const event of ["input", "change"]) $(id).addEventListener(event, () => poll(true));
  }
  poll(true);
})();
