"""A doorbell between parts of one process: whoever made work rings, whoever does it answers
at once instead of at its next poll (new actions wake the card poster, say)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Doorbell:
    def __init__(self) -> None:
        self._answerers: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def answer_with(self, answer: Callable[[], None]) -> None:
        with self._lock:
            self._answerers.append(answer)

    def ring(self) -> None:
        with self._lock:
            answerers = list(self._answerers)
        for answer in answerers:
            answer()
