#!/usr/bin/env python3
"""peer-client: a Python streaming client, the peer gen is measured against.

Written for tokbench's bench-self (issue #33), in the shape of the request
function of vLLM's serving benchmark (vllm-project/vllm at 02cfb534,
vllm/benchmarks/lib/endpoint_request_func.py: StreamedResponseHandler and
async_request_openai_chat_completions): asyncio and one aiohttp session,
a POST per request, the body read with iter_any() and strip()ped, split
into SSE messages by the handler, each `data:` payload decoded with
json.loads, a perf_counter() stamp per chunk, TTFT and inter-token gaps
kept in lists, the text appended.

vLLM's handler checks a message left without its blank line (the caller's
strip() takes it) by parsing it, so most payloads are parsed twice.  With
--lean that check is skipped and each payload is parsed once: the least
a Python client of this shape can do per chunk.

    peer-client.py [--lean] URL CONCURRENCY REQUESTS MAX_TOKENS

URL is the API base (http://host:port/v1).  CONCURRENCY workers send
REQUESTS requests between them.  Prints one line to stdout:

    chunks requests_ok cpu_seconds wall_seconds reads

reads: the body reads (iter_any's), each one or more chunks: a client that
falls behind reads several chunks at once, and stamps them alike.

cpu_seconds is time.process_time() over the requests only: the
interpreter's start and its imports are not counted, which favours the
peer.  Exit 0 when every request ended in [DONE], else 1.
"""

import asyncio
import codecs
import json
import sys
import time

import aiohttp

LEAN = False


class StreamedResponseHandler:
    """Accumulates bytes until whole SSE messages are there (vLLM's)."""

    def __init__(self):
        self.buffer = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def add_chunk(self, chunk_bytes):
        self.buffer += self._decoder.decode(chunk_bytes)
        messages = []
        while "\n\n" in self.buffer:
            message, self.buffer = self.buffer.split("\n\n", 1)
            message = message.strip()
            if message:
                messages.append(message)
        # What is left may be a whole message whose blank line the
        # caller's strip() took: vLLM checks it by parsing it.
        if LEAN:
            if self.buffer.startswith("data: "):
                messages.append(self.buffer.strip())
                self.buffer = ""
        elif self.buffer.startswith("data: "):
            content = self.buffer.removeprefix("data: ").strip()
            if content == "[DONE]":
                messages.append(self.buffer.strip())
                self.buffer = ""
            elif content:
                try:
                    json.loads(content)
                    messages.append(self.buffer.strip())
                    self.buffer = ""
                except json.JSONDecodeError:
                    pass
        return messages


async def one(session, url, max_tokens, out):
    payload = {
        "model": "m",
        "messages": [{"role": "user", "content": "x"}],
        "max_completion_tokens": max_tokens,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    ttft = 0.0
    itl = []
    text = ""
    st = time.perf_counter()
    last = st
    first = False
    done = False
    headers = {"Content-Type": "application/json"}
    async with session.post(url + "/chat/completions", json=payload, headers=headers) as resp:
        if resp.status != 200:
            return
        handler = StreamedResponseHandler()
        async for chunk_bytes in resp.content.iter_any():
            out["reads"] += 1
            chunk_bytes = chunk_bytes.strip()
            if not chunk_bytes:
                continue
            for message in handler.add_chunk(chunk_bytes):
                if message.startswith(":"):
                    continue
                chunk = message.removeprefix("data: ")
                if chunk == "[DONE]":
                    done = True
                    continue
                ts = time.perf_counter()
                data = json.loads(chunk)
                if choices := data.get("choices"):
                    content = choices[0]["delta"].get("content")
                    if not first:
                        first = True
                        ttft = ts - st
                    else:
                        itl.append(ts - last)
                    text += content or ""
                    last = ts
                    out["chunks"] += 1
                elif usage := data.get("usage"):
                    out["usage_tokens"] += usage.get("completion_tokens") or 0
    if done and first:
        out["ok"] += 1


async def main():
    global LEAN
    args = sys.argv[1:]
    if args and args[0] == "--lean":
        LEAN = True
        args = args[1:]
    if len(args) != 4:
        sys.stderr.write("usage: peer-client.py [--lean] URL CONCURRENCY REQUESTS MAX_TOKENS\n")
        sys.exit(2)
    url, conc, nreq, maxtok = args[0], int(args[1]), int(args[2]), int(args[3])
    out = {"chunks": 0, "ok": 0, "usage_tokens": 0, "reads": 0}
    left = [nreq]
    timeout = aiohttp.ClientTimeout(total=6 * 60 * 60)
    conn = aiohttp.TCPConnector(limit=conc)

    async def worker(session):
        while left[0] > 0:
            left[0] -= 1
            await one(session, url, maxtok, out)

    async with aiohttp.ClientSession(timeout=timeout, connector=conn) as session:
        c0, w0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(conc)))
        c1, w1 = time.process_time(), time.perf_counter()
    print("%d %d %.4f %.4f %d" % (out["chunks"], out["ok"], c1 - c0, w1 - w0, out["reads"]))
    sys.exit(0 if out["ok"] == nreq else 1)


if __name__ == "__main__":
    asyncio.run(main())
