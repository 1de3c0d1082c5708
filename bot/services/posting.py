"""The card poster: every pending action's card posted to the channel exactly once, and cards
whose action moved on updated in place.

The obligation lives in the database with the action (post_state 'due' / 'update-due'), so it
survives a Slack outage and a restart. A poster takes a lease on a row with a conditional update
before it calls Slack, so two replicas, two ticks, or a tick and a click never deliver the same
card twice. Slack is called outside any transaction. A 429 holds the card back for Retry-After
(and ends this round); server errors and time-outs back off per card, so one failing card does not
hold up the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot import metrics
from bot.domain.clock import utcnow
from bot.domain.records import ActionRecord
from bot.domain.statuses import Status
from bot.integrations.slack_clients import OUTBOX_ATTEMPTS, OUTBOX_TIMEOUT
from bot.integrations.slack_messages import (
    GONE_ERRORS,
    ChannelMessages,
    RateLimited,
    Refused,
    SlackDown,
)
from storage.db import Database
from storage.models import PostState
from storage.repositories import ActionRepository, AuditRepository, ClaimedCard

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
"""How long a poster holds a card it claimed. One claim takes one card, so the lease only has to
outlast one delivery (at worst OUTBOX_TIMEOUT per attempt, OUTBOX_ATTEMPTS attempts): a batch
claimed under one lease could outlive it while Slack is slow, and another replica would then
claim, and post, the rest again."""
WORST_DELIVERY = timedelta(seconds=OUTBOX_TIMEOUT * OUTBOX_ATTEMPTS)
ROUND = 50
"""Cards delivered in one round at most, so that a tick ends and the log says so."""
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 300.0


def backoff(attempts: int) -> timedelta:
    """How long a card waits after its `attempts`-th failure in a row: 0.5s, 1s, 2s ... 5 min."""
    return timedelta(seconds=min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts)))


def lease_outlasts_delivery(lease: timedelta, worst_delivery: timedelta) -> bool:
    """A card's lease must end after the slowest delivery of that card could, with room to
    record the result: otherwise a second poster may claim a card that is still on its way."""
    return lease >= 2 * worst_delivery


class Card(Protocol):
    """A rendered card (bot.views.cards.Card): the fallback text and the blocks as sent."""

    @property
    def text(self) -> str: ...

    def blocks_json(self) -> list[dict[str, Any]]: ...


@dataclass
class CardPoster:
    db: Database
    messages: ChannelMessages
    channel: str | None
    """ACTIONBOT_CHANNEL; without it nothing new is posted (existing cards are still updated)."""
    render: Callable[[ActionRecord], Card]
    lease: timedelta = LEASE
    clock: Callable[[], datetime] = field(default=utcnow)
    stopping: threading.Event = field(default_factory=threading.Event)
    """Set when the bot stops: the round ends before its next card."""
    _paused_until: datetime | None = field(default=None, init=False)

    def run_once(self) -> int:
        """Deliver what is owed now, claiming one card at a time; returns how many cards were
        posted or updated."""
        now = self.clock()
        if self._paused_until is not None and now < self._paused_until:
            return 0  # Slack asked us to slow down; the held cards wait in the database too
        states = [PostState.DUE, PostState.UPDATE_DUE] if self.channel else [PostState.UPDATE_DUE]
        with self.db.read() as session:  # idle ticks never take SQLite's write lock
            if not ActionRepository(session).owes_cards(states, now):
                return 0
        delivered = 0
        for _ in range(ROUND):
            if self.stopping.is_set():
                break
            now = self.clock()
            with self.db.write() as session:
                claimed = ActionRepository(session).claim_cards(states, now, now + self.lease, 1)
            if not claimed:
                break
            try:
                delivered += self._deliver(claimed[0])
            except RateLimited as limited:
                self._hold(claimed, limited.retry_after)
                break
        return delivered

    def deliver(self, card: ClaimedCard) -> bool:
        """Post or update a card whose lease the caller holds. True when it was delivered."""
        try:
            return self._deliver(card) == 1
        except RateLimited as limited:
            self._hold([card], limited.retry_after)
            return False

    def _deliver(self, card: ClaimedCard) -> int:
        action = card.action
        rendered = self.render(action)
        try:
            if action.slack_ts is None:
                if self.channel is None:
                    raise Refused("ACTIONBOT_CHANNEL is not set")
                posted = self.messages.post(self.channel, rendered.text, rendered.blocks_json())
                channel, ts = posted.channel, posted.ts
            else:
                channel, ts = action.slack_channel or "", action.slack_ts
                self.messages.update(channel, ts, rendered.text, rendered.blocks_json())
        except SlackDown as down:
            wait = backoff(card.attempts)
            log.warning(
                "card of %s not delivered (%s); next try in %s", action.short_id, down, wait
            )
            self._retry(card, self.clock() + wait)
            return 0
        except Refused as refused:
            if action.slack_ts is not None and refused.reason in GONE_ERRORS:
                log.warning("card of %s can no longer be updated: %s", action.short_id, refused)
                with self.db.write() as session:
                    ActionRepository(session).card_abandoned(card)
                return 0
            wait = timedelta(seconds=BACKOFF_MAX)
            log.error(
                "Slack refused the card of %s: %s; next try in %s", action.short_id, refused, wait
            )
            self._retry(card, self.clock() + wait)
            return 0
        self._delivered(card, channel, ts, first=action.slack_ts is None)
        return 1

    def _delivered(self, card: ClaimedCard, channel: str, ts: str, *, first: bool) -> None:
        now = self.clock()
        with self.db.write() as session:
            kept = ActionRepository(session).card_delivered(card, channel, ts, card.action.status)
            if first:
                AuditRepository(session).add(
                    "posted",
                    now,
                    action_pk=card.action.pk,
                    actor="actionbot",
                    status_after=card.action.status,
                    reason=f"channel {channel}, ts {ts}",
                )
        if kept and not first and card.action.status in (Status.APPROVED, Status.REJECTED):
            metrics.card_updated_after(card.action.decided_at)
        if not kept:
            log.warning(
                "lease on the card of %s ran out while it was delivered", card.action.short_id
            )

    def _retry(self, card: ClaimedCard, not_before: datetime) -> None:
        with self.db.write() as session:
            ActionRepository(session).card_retry_at(card, not_before, failed=True)

    def _hold(self, cards: list[ClaimedCard], seconds: float) -> None:
        not_before = self.clock() + timedelta(seconds=seconds)
        self._paused_until = not_before
        log.warning("Slack rate-limits posting; %d card(s) wait %gs", len(cards), seconds)
        with self.db.write() as session:
            actions = ActionRepository(session)
            for card in cards:
                actions.card_retry_at(card, not_before, failed=False)
