"""Channels: thin translators between a provider's messages and the neutral ones."""
