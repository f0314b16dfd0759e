"""The plainest python-telegram-bot bot — an Application whose one MessageHandler echoes the
text, long polling — the baseline Diaspora Connect is measured beside.

It imports python-telegram-bot and nothing of ours, so that run on its own
(``python -m benchmarks._echo BASE_URL TOKEN``: it prints ``ready`` once polling, and stops on
SIGTERM) its memory is what a bare bot holds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def serve(
    token: str, base_url: str, ready: Callable[[], None], stop: Awaitable[object]
) -> None:
    """Polls ``base_url`` and echoes every text, from ``ready()`` until ``stop`` is done."""
    application = Application.builder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    async with application:
        assert application.updater is not None
        await application.start()
        await application.updater.start_polling()
        ready()
        await stop
        await application.updater.stop()
        await application.stop()


async def _main(base_url: str, token: str) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    await serve(token, base_url, lambda: print("ready", flush=True), stopping.wait())


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    asyncio.run(_main(sys.argv[1], sys.argv[2]))
