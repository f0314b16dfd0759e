"""The model of the content folder: what staff edit, read and checked here.

:mod:`bot.content.loader` keeps it fresh (a worker thread, every file's last good version);
the other modules each read one kind of file — locales and the programme's lists
(:mod:`~bot.content.programme`), events, fellowships, campaigns (front matter, schedules,
audiences) — and :mod:`~bot.content.check` reports every problem as ``file:line: message``.
"""

from __future__ import annotations

from bot.content.loader import Content, campaign_context, placeholders

__all__ = ["Content", "campaign_context", "placeholders"]
