"""Calls per second of a plain Python client (standard library only:
http.client keep-alive connections, one per thread) against a running
emulator, for the calls/s-vs-concurrency chart of BENCHMARKS.md.

    python3 benchmarks/python_client.py --base-url http://127.0.0.1:9080 --calls 5000 --concurrency 16

Prints one JSON line: {"concurrency", "calls", "calls_per_s", "errors"}.
The UserSig (TLS sig v2) is computed here with the emulator's default key.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import threading
import time
import urllib.parse
import zlib

SDK_APP_ID = 1400000000
SECRET_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
ADMIN = "administrator"


def user_sig(identifier, expire=86400):
    now = int(time.time())
    content = (
        f"TLS.identifier:{identifier}\nTLS.sdkappid:{SDK_APP_ID}\n"
        f"TLS.time:{now}\nTLS.expire:{expire}\n"
    )
    sig = base64.b64encode(
        hmac.new(SECRET_KEY.encode(), content.encode(), hashlib.sha256).digest()
    ).decode()
    doc = {
        "TLS.ver": "2.0",
        "TLS.identifier": identifier,
        "TLS.sdkappid": SDK_APP_ID,
        "TLS.expire": expire,
        "TLS.time": now,
        "TLS.sig": sig,
    }
    packed = base64.b64encode(zlib.compress(json.dumps(doc, separators=(",", ":")).encode()))
    return packed.decode().replace("+", "*").replace("/", "-").replace("=", "_")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    p.add_argument("--calls", type=int, default=5000)
    p.add_argument("--concurrency", type=int, default=16)
    a = p.parse_args()
    url = urllib.parse.urlparse(a.base_url)
    query = urllib.parse.urlencode(
        {
            "sdkappid": SDK_APP_ID,
            "identifier": ADMIN,
            "usersig": user_sig(ADMIN),
            "random": 1,
            "contenttype": "json",
        }
    )
    # A room of this run's own, created first, so every call reads a room.
    room = f"pyload-{os.getpid()}"
    conn = http.client.HTTPConnection(url.hostname, url.port)
    create = {"RoomInfo": {"RoomId": room, "RoomType": "Conference"}}
    conn.request(
        "POST",
        f"/v4/room_engine_http_srv/create_room?{query}",
        json.dumps(create).encode(),
        {"Content-Type": "application/json"},
    )
    created = json.loads(conn.getresponse().read())
    conn.close()
    if created.get("ErrorCode") != 0:
        raise SystemExit(f"create_room failed: {created}")
    path = f"/v4/room_engine_http_srv/get_room_info?{query}"
    body = json.dumps({"RoomId": room}).encode()
    lock = threading.Lock()
    state = {"next": 0, "errors": 0}

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port)
        while True:
            with lock:
                if state["next"] >= a.calls:
                    break
                state["next"] += 1
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                answer = json.loads(r.read())
                ok = r.status == 200 and answer.get("ErrorCode") == 0
            except Exception:  # counted, the connection is renewed
                ok = False
                conn = http.client.HTTPConnection(url.hostname, url.port)
            if not ok:
                with lock:
                    state["errors"] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(a.concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "concurrency": a.concurrency,
                "calls": a.calls,
                "calls_per_s": round(a.calls / elapsed),
                "errors": state["errors"],
            }
        )
    )


if __name__ == "__main__":
    main()
