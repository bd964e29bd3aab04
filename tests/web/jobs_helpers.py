"""A document build as a user meets it: ask for it (POST), the worker builds it, download."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client

from jicai.web.jobs.queue import run_queued


def built(client: Client, url: str) -> HttpResponse:
    """POST ``url`` (the page's 生成 button), run the queue here, explicitly (the worker's
    own loop, till idle), then download the job's file; the file's bytes as a response."""
    asked = client.post(url)
    assert asked.status_code == 302 and asked.url.startswith("/jobs/"), asked
    run_queued()
    page = client.get(asked.url)
    assert page.status_code == 200
    got = client.get(asked.url + "file/")
    data = b"".join(got.streaming_content) if got.status_code == 200 else b""  # type: ignore[attr-defined]
    return HttpResponse(data, status=got.status_code)
