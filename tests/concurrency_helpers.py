"""Requests at the same moment: each from its own signed-in client in its own thread, released
together just before the service runs (after every view has read what it is about to change),
so a race that a real school hits now and then happens every time in the test."""

from __future__ import annotations

import threading
from collections.abc import Callable
from unittest import mock

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.core import forms

Request = Callable[[FlaskClient], TestResponse]


def at_once(app: Flask, calls: list[tuple[FlaskClient, Request]]) -> list[TestResponse]:
    """Send every ``(client, request)`` at once; answers the responses in the same order."""
    barrier = threading.Barrier(len(calls), timeout=20)
    claim = forms._claim
    responses: list[TestResponse | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def claim_together(form: object) -> int | None:
        barrier.wait()  # every request has loaded what it will change
        return claim(form)  # type: ignore[arg-type]

    def run(index: int, client: FlaskClient, request: Request) -> None:
        try:
            with app.app_context():  # as a request thread of the server has
                responses[index] = request(client)
        except BaseException as error:  # the test must see it, not the thread
            failures.append(error)
            barrier.abort()

    with mock.patch.object(forms, "_claim", claim_together):
        threads = [
            threading.Thread(target=run, args=(i, client, request))
            for i, (client, request) in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    if failures:
        raise failures[0]
    assert all(response is not None for response in responses)
    return [response for response in responses if response is not None]
