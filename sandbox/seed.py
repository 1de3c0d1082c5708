"""Realistic demo data: every action type and source, pending actions and six months of history."""

from __future__ import annotations

import itertools
import json
import random
from datetime import datetime, timedelta
from typing import Any

from bot.domain.catalog import ActionSource, ActionType, Category
from bot.domain.clock import utcnow

DEVICES = ("WS-0142", "LAPTOP-FIN-07", "SRV-SQL-02", "WS-HR-19", "MAC-DEV-33", "KIOSK-LOBBY-1")
MAILBOXES = ("bob@contoso.example", "alice@contoso.example", "cfo@contoso.example")
SUBJECTS = ("Invoice overdue", "Your parcel is waiting", "Payroll update", "Reset your password")
FINAL = ("completed", "completed", "completed", "rejected", "failed", "expired", "cancelled")
_DEVICE_SOURCES = (
    ActionSource.MANUAL_DEVICE_ACTION,
    ActionSource.AUTOMATED_DEVICE_ACTION,
    ActionSource.ADVANCED_HUNTING_ACTION,
    ActionSource.MANUAL_LIVE_RESPONSE_ACTION,
    ActionSource.LIVE_RESPONSE_ACTION,
)
_EMAIL_SOURCES = (
    ActionSource.MANUAL_EMAIL_ACTION,
    ActionSource.AUTOMATED_EMAIL_ACTION,
    ActionSource.EXPLORER_ACTION,
    ActionSource.ADVANCED_HUNTING_ACTION,
)
_counter = itertools.count(1)


def target_for(action_type: ActionType, rng: random.Random) -> dict[str, Any]:
    if action_type.category is Category.DEVICE:
        target: dict[str, Any] = {"device_name": rng.choice(DEVICES)}
        if action_type in (ActionType.STOP_AND_QUARANTINE, ActionType.REQUEST_SAMPLE):
            target["sha1"] = f"{rng.getrandbits(160):040x}"
            target["file_path"] = r"C:\Users\Public\invoice.exe"
        return target
    if action_type is ActionType.BLOCK_URL:
        return {"url": f"https://login-contoso.example/{rng.randint(100, 999)}/verify"}
    if action_type is ActionType.TURN_OFF_EXTERNAL_MAIL_FORWARDING:
        return {"mailbox": rng.choice(MAILBOXES)}
    return {
        "network_message_id": f"nm-{rng.getrandbits(32):08x}",
        "recipient": rng.choice(MAILBOXES),
        "subject": rng.choice(SUBJECTS),
        "sender": "billing@fabrikam-pay.example",
    }


def source_for(action_type: ActionType, rng: random.Random) -> ActionSource:
    sources = _DEVICE_SOURCES if action_type.category is Category.DEVICE else _EMAIL_SOURCES
    return rng.choice(sources)


def one_action(
    action_type: ActionType,
    source: ActionSource,
    *,
    created: datetime,
    status: str = "pending",
    rng: random.Random,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"sandbox-{created:%Y%m%d%H%M%S}-{next(_counter):05d}-{rng.getrandbits(16):04x}",
        "type": action_type.value,
        "source": source.value,
        "status": status,
        "created_at": created.isoformat(),
        "target": target_for(action_type, rng),
        "investigation_id": f"INV-{rng.randint(1000, 9999)}",
        "requested_by": "Automated investigation" if "automated" in source.value else "SOC analyst",
    }
    if status != "pending":
        record["updated_at"] = (created + timedelta(minutes=rng.randint(5, 600))).isoformat()
    return record


def demo_actions(now: datetime | None = None, seed: int = 13) -> list[dict[str, Any]]:
    """Pending actions (one per type, the sources in turn) and ~6 months of finished ones."""
    rng = random.Random(seed)
    now = now or utcnow()
    records = []
    sources = itertools.cycle(list(ActionSource))
    for i, action_type in enumerate(ActionType):
        source = next(sources)
        allowed = _DEVICE_SOURCES if action_type.category is Category.DEVICE else _EMAIL_SOURCES
        if source not in allowed:
            source = source_for(action_type, rng)
        created = now - timedelta(minutes=5 * (len(ActionType) - i))
        records.append(one_action(action_type, source, created=created, rng=rng))
    types = list(ActionType)
    for day in range(1, 178, 2):
        for _ in range(rng.randint(1, 3)):
            action_type = rng.choice(types)
            created = now - timedelta(days=day, minutes=rng.randint(0, 1000))
            status = rng.choice(FINAL)
            records.append(
                one_action(
                    action_type,
                    source_for(action_type, rng),
                    created=created,
                    status=status,
                    rng=rng,
                )
            )
    return records


def new_pending_action(seed: int | None = None) -> bytes:
    """One fresh pending action, as the ingest API takes it (the page's 'Add pending action')."""
    rng = random.Random(seed)
    action_type = rng.choice(list(ActionType))
    record = one_action(action_type, source_for(action_type, rng), created=utcnow(), rng=rng)
    return json.dumps(record).encode()
