"""A page of a listing for one Slack user: the rows, the total and the user's columns, read in one
transaction. The rows come from the same query path as the CLI and export (bot.services.query).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.columns import stored_columns
from bot.domain.paging import TOTAL_CAP, ListingPage
from bot.domain.selection import Selection
from storage.db import Database
from storage.repositories import ActionRepository, PreferenceRepository


def listing_for(
    db: Database, user_id: str, selection: Selection, *, as_of: datetime, offset: int, limit: int
) -> ListingPage:
    with db.read() as session:
        actions = ActionRepository(session)
        bound = max(TOTAL_CAP, offset + limit)
        total = actions.count(selection, as_of, at_most=bound + 1)
        more_than = total > bound
        if more_than:
            total = bound
        else:  # a page past the end (the list shrank since): show the last one
            offset = min(offset, max(0, (total - 1) // limit * limit))
        rows = actions.page(selection, as_of, limit=limit, offset=offset)
        columns = stored_columns(PreferenceRepository(session).columns_of(user_id))
    return ListingPage(rows, total, offset, limit, columns, selection, as_of, more_than)
