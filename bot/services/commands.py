"""`/actions` answered (CONTRACT.md sections 2 and 6): the caller is resolved and authorized
before anything else is said (`whoami` answers everyone), then the request is carried out.

Each function returns what there is to say as a typed result; the listener renders it. An export
is answered with `ExportRequested`: the listener says the file is coming and runs
bot.services.export, which takes minutes and speaks three times.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.actors import Actor
from bot.domain.catalog import Category
from bot.domain.clock import utcnow
from bot.domain.columns import Column
from bot.domain.command_grammar import (
    ChooseColumns,
    ExportActions,
    Help,
    ListActions,
    NotYetAvailable,
    Request,
    ShowAction,
    ShowColumns,
    Usage,
    WhoAmI,
)
from bot.domain.paging import ListingPage, PageRequest
from bot.domain.roles import Act, Verdict, authorize
from bot.domain.selection import Selection
from bot.services import preferences
from bot.services.access import Caller, Denied, resolve, viewer
from bot.services.identity import ActorResolver
from bot.services.listings import listing_for
from bot.services.query import Details, details_of
from storage.db import Database

STALE_PAGE_BUTTON = Usage("this button no longer works", "/actions history [WINDOW] [filters]")


@dataclass(frozen=True)
class Identity:
    """`whoami`: the caller's roles as resolved now, and what they allow."""

    actor: Actor
    verdicts: tuple[Verdict, ...]
    """Seeing actions, deciding device actions, deciding email actions."""


@dataclass(frozen=True)
class NoAccess:
    """`whoami` for a caller who cannot be resolved (other team, failed lookup)."""

    reason: str


@dataclass(frozen=True)
class ActionNotFound:
    ref: str


@dataclass(frozen=True)
class Columns:
    columns: tuple[Column, ...]
    changed: bool


@dataclass(frozen=True)
class ExportRequested:
    actor: Actor
    selection: Selection


Answer = (
    Identity
    | NoAccess
    | Denied
    | Usage
    | NotYetAvailable
    | ListingPage
    | Details
    | ActionNotFound
    | Columns
    | ExportRequested
    | Help
)


@dataclass(frozen=True)
class CommandService:
    db: Database
    resolver: ActorResolver
    page_size: int

    def answer(self, caller: Caller, request: Request | Usage) -> Answer:
        """Answer a parsed command for `caller`: authorization first, then the request."""
        if isinstance(request, WhoAmI):
            return self.whoami(caller)
        actor = viewer(self.resolver, caller)
        if isinstance(actor, Denied):
            return actor
        match request:
            case Usage() | NotYetAvailable() | Help():
                return request
            case ListActions(selection=selection):
                return self.listing(actor, PageRequest(selection, utcnow(), 0))
            case ShowAction(ref=ref):
                found = details_of(self.db, ref)
                return ActionNotFound(ref) if found is None else found
            case ShowColumns():
                return Columns(preferences.columns_of(self.db, actor.user_id), changed=False)
            case ChooseColumns(columns=columns):
                chosen = preferences.choose_columns(self.db, actor.user_id, columns)
                return Columns(chosen, changed=True)
            case ExportActions(selection=selection):
                return ExportRequested(actor, selection)

    def whoami(self, caller: Caller) -> Identity | NoAccess:
        actor = resolve(self.resolver, caller)
        if isinstance(actor, Denied):
            return NoAccess(actor.reason)
        verdicts = (
            authorize(actor.roles, Act.VIEW),
            authorize(actor.roles, Act.APPROVE, Category.DEVICE),
            authorize(actor.roles, Act.APPROVE, Category.EMAIL),
        )
        return Identity(actor, verdicts)

    def listing(self, actor: Actor, request: PageRequest) -> ListingPage:
        return listing_for(
            self.db,
            actor.user_id,
            request.selection,
            as_of=request.as_of,
            offset=request.offset,
            limit=self.page_size,
        )

    def page_reply(
        self, caller: Caller, request: PageRequest | None
    ) -> ListingPage | Denied | Usage:
        """A Next/Previous click: the clicker is resolved and authorized again, then the page."""
        actor = viewer(self.resolver, caller)
        if isinstance(actor, Denied):
            return actor
        if request is None:
            return STALE_PAGE_BUTTON
        return self.listing(actor, request)
