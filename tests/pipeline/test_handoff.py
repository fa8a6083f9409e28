"""The ticket that hands the built site to the worker that checks it in a browser."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from dlguide_docs import handoff


def test_the_reserved_port_is_below_the_ephemeral_range_and_reusable_at_once():
    listener = handoff.reserve_port()
    port = listener.getsockname()[1]
    assert 20_000 <= port < 32_768
    listener.close()
    again = socket.socket()
    again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    again.bind(("127.0.0.1", port))  # a server can take it over straight away
    again.close()


def test_a_waiting_worker_gets_the_ticket_of_its_own_run_only(tmp_path):
    ticket = tmp_path / "ticket.json"
    handoff.write_ticket(ticket, "old-run", site_dir="stale")

    def build_later():
        time.sleep(0.3)
        handoff.write_ticket(ticket, "this-run", site_dir="fresh")

    threading.Thread(target=build_later).start()
    assert handoff.wait_for_ticket(ticket, "this-run", timeout=10, poll=0.05) == {
        "run": "this-run", "site_dir": "fresh"}  # fmt: skip


def test_waiting_is_bounded(tmp_path):
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="no build ticket"):
        handoff.wait_for_ticket(tmp_path / "none.json", "run", timeout=0.2, poll=0.05)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda p: handoff.reserve_port(attempts=0), "attempts"),
        (lambda p: handoff.write_ticket(p, ""), "run"),
        (lambda p: handoff.wait_for_ticket(p, "run", timeout=0), "timeout"),
    ],
)
def test_bad_arguments_are_named(tmp_path, call, argument):
    with pytest.raises(ValueError, match=argument):
        call(tmp_path / "ticket.json")


def test_a_claim_goes_to_one_process_only(tmp_path):
    path = tmp_path / "run" / "build.claim"
    assert handoff.claim(path) is True
    assert handoff.claim(path) is False
    assert path.is_file()


def test_the_schedule_reads_committed_page_times_and_prefers_this_machine_s(tmp_path, monkeypatch):
    from dlguide_docs import schedule

    def table(**pages):
        return json.dumps(
            {"pages": {p: {"blocks": [{"seconds": s} for s in t]} for p, t in pages.items()}}
        )

    committed, record = tmp_path / "page-seconds.json", tmp_path / "record.json"
    committed.write_text(table(**{"a.md": [1.0], "b.md": [2.0, 3.0]}))
    monkeypatch.setattr(schedule, "PAGE_SECONDS", (record, committed))
    assert schedule.page_seconds() == {"a.md": 1.0, "b.md": 5.0}
    record.write_text(table(**{"a.md": [7.0]}))  # a dirty build's record: one page
    assert schedule.page_seconds() == {"a.md": 7.0, "b.md": 5.0}
