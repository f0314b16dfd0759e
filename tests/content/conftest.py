"""The scheduler tests' fixtures (a content folder, a store, a clock in March 2027, fake
channels), shared by the tests of the content model and of the command line."""

from tests.scheduler.conftest import (
    clock,
    content,
    fake_time,
    folder,
    store,
    telegram,
    whatsapp,
)

__all__ = ["clock", "content", "fake_time", "folder", "store", "telegram", "whatsapp"]
