"""Benchmark baseline, not product code: the Twilio voice webhook as the Python service this gateway replaces does it,
done properly. FastAPI + redis.asyncio, one connection pool per worker process.

POST /twilio/{tenant}/voice (form): X-Twilio-Signature (403) -> tenant (404) -> CallSid (400) -> idempotency
(a duplicate gets the first delivery's TwiML) -> per-minute rate limit and concurrent-call admission (busy TwiML)
-> <Connect><Stream> with a per-call stream token, stored for duplicates.
Redis keys as the gateway names them (SPEC 4): idem:{CallSid}, rl:{tenant}:<epoch minute>, rl:{tenant}:active.

Run (from this folder): /usr/bin/python3 -m uvicorn app:app --workers 2 --host 127.0.0.1 --port PORT
"""
import asyncio
import base64
import hashlib
import hmac
import os
import re
import time
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape, quoteattr

from fastapi import FastAPI, Request, Response
from redis.asyncio import ConnectionPool, Redis

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "local-dev-auth-token").encode()
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:8080").rstrip("/")
MEDIA_PUBLIC_URL = os.environ.get("MEDIA_PUBLIC_URL") or re.sub("^http", "ws", PUBLIC_BASE_URL) + "/twilio/media"
STREAM_TOKEN_SECRET = os.environ.get("STREAM_TOKEN_SECRET", "local-dev-stream-secret").encode()
TENANT = os.environ.get("TENANT", "demo")
CALLS_PER_MINUTE = int(os.environ.get("CALLS_PER_MINUTE", "100000"))
MAX_CONCURRENT_CALLS = int(os.environ.get("MAX_CONCURRENT_CALLS", "10000"))

IDEM_TTL_S = 300
PENDING = "pending"  # the idempotency key's value until the first delivery's TwiML is stored
DUPLICATE_WAIT_S = 2.0
WINDOW_TTL_S = 65
CALL_LEASE_S = 4 * 3600  # a slot whose release was lost frees itself after this
TOKEN_VALIDITY_S = 300
CALL_SID = re.compile(r"CA[0-9a-f]{32}")

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
BUSY_TWIML = (f"{XML_HEAD}<Response><Say>{escape('All of our agents are busy right now. Please call again later. Goodbye.')}"
              "</Say><Hangup/></Response>")
STREAM_OPEN = f"{XML_HEAD}<Response><Connect><Stream url={quoteattr(MEDIA_PUBLIC_URL)}>"
STREAM_CLOSE = (f"</Stream></Connect><Say>{escape('Sorry, our assistant is unavailable. Goodbye.')}</Say>"
                "<Hangup/></Response>")


def signed_bases(base: str) -> list[str]:
    """The base URL as Twilio may have signed it: without and with the scheme's default port (PROTOCOLS 1.2).
    A non-default port is part of the URL and stays."""
    u = urlsplit(base)
    default = {"https": 443, "http": 80}[u.scheme]
    if u.port is not None and u.port != default:
        return [base]
    host = f"[{u.hostname}]" if ":" in u.hostname else u.hostname
    return [f"{u.scheme}://{host}{u.path}", f"{u.scheme}://{host}:{default}{u.path}"]


SIGNED_BASES = signed_bases(PUBLIC_BASE_URL)

app = FastAPI()
pool = ConnectionPool.from_url(REDIS_URL, decode_responses=True)
redis = Redis(connection_pool=pool)


@app.on_event("shutdown")
async def close_pool() -> None:
    await pool.disconnect()


def signature_valid(request: Request, params: list[tuple[str, str]]) -> bool:
    """HMAC-SHA1 of URL + each name and value in sorted order (a repeated name's values sorted too), base64."""
    given = request.headers.get("x-twilio-signature")
    if not given:
        return False
    query = request.url.query
    signed = request.url.path + ("?" + query if query else "") + "".join(k + v for k, v in sorted(params))
    return any(
        hmac.compare_digest(base64.b64encode(hmac.new(AUTH_TOKEN, (base + signed).encode(), hashlib.sha1).digest()),
                            given.encode())
        for base in SIGNED_BASES)


def connect_twiml(tenant: str, call_sid: str) -> str:
    """<Connect><Stream> with the tenant and a stream token: <expiry>.<hex HMAC-SHA256(callSid|tenant|expiry)>."""
    expiry = int(time.time()) + TOKEN_VALIDITY_S
    mac = hmac.new(STREAM_TOKEN_SECRET, f"{call_sid}|{tenant}|{expiry}".encode(), hashlib.sha256).hexdigest()
    return (f"{STREAM_OPEN}<Parameter name=\"tenant\" value={quoteattr(tenant)}/>"
            f"<Parameter name=\"token\" value=\"{expiry}.{mac}\"/>{STREAM_CLOSE}")


def twiml_response(twiml: str) -> Response:
    return Response(twiml, media_type="text/xml")


async def admit(tenant: str, call_sid: str) -> bool:
    """Counts the call in the tenant's minute window and takes a concurrent-call slot, in one MULTI/EXEC round trip.
    The slot is taken first and counted after (ZADD, then ZCARD), so concurrent webhooks can never admit more than
    the limit; a refused call gives its slot back."""
    now = time.time()
    now_ms = int(now * 1000)
    window = f"rl:{{{tenant}}}:{int(now // 60)}"
    active = f"rl:{{{tenant}}}:active"
    async with redis.pipeline(transaction=True) as tx:
        tx.incr(window)
        tx.expire(window, WINDOW_TTL_S, nx=True)  # on the window's first call (EXPIRE NX: Redis >= 7.0)
        tx.zremrangebyscore(active, "-inf", now_ms)  # leases that ran out
        tx.zadd(active, {call_sid: now_ms + CALL_LEASE_S * 1000})
        tx.expire(active, CALL_LEASE_S)
        tx.zcard(active)
        calls_this_minute, _, _, _, _, active_calls = await tx.execute()
    if calls_this_minute <= CALLS_PER_MINUTE and active_calls <= MAX_CONCURRENT_CALLS:
        return True
    await redis.zrem(active, call_sid)
    return False


async def replay(idem: str) -> Response:
    """A repeated delivery: the first delivery's TwiML, waiting up to DUPLICATE_WAIT_S while it is still pending.
    503 when it never completes (or failed and released the key)."""
    deadline = time.monotonic() + DUPLICATE_WAIT_S
    delay = 0.01
    while True:
        twiml = await redis.get(idem)
        if twiml is not None and twiml != PENDING:
            return twiml_response(twiml)
        if twiml is None or time.monotonic() >= deadline:
            return Response(status_code=503)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.1)


@app.post("/twilio/{tenant}/voice")
async def voice(tenant: str, request: Request) -> Response:
    params = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    if not signature_valid(request, params):
        return Response(status_code=403)
    if tenant != TENANT:
        return Response(status_code=404)
    call_sid = next((v for k, v in params if k == "CallSid"), "")
    if not CALL_SID.fullmatch(call_sid):
        return Response(status_code=400)
    idem = f"idem:{{{call_sid}}}"
    if not await redis.set(idem, PENDING, nx=True, ex=IDEM_TTL_S):
        return await replay(idem)
    try:
        twiml = connect_twiml(tenant, call_sid) if await admit(tenant, call_sid) else BUSY_TWIML
        await redis.set(idem, twiml, xx=True, keepttl=True)
    except Exception:
        await redis.delete(idem)  # undecided: Twilio's retry is decided afresh
        raise
    return twiml_response(twiml)
