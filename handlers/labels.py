"""How profile values read to a member: country names, list labels, the profile as text."""

from __future__ import annotations

from typing import Any

from bot.countries import country_name
from bot.flow import Context
from bot.messages import Option
from bot.text import fold

CHANNELS = ("telegram", "whatsapp", "email")


def option_id(name: str) -> str:
    """A stable ASCII id for a label such as a municipality (``Herceg Novi`` → ``herceg_novi``)."""
    return fold(name).replace(" ", "_")[:40]


def programme(ctx: Context) -> Any:
    assert ctx.content.programme is not None
    return ctx.content.programme


def country_options(ctx: Context, codes: tuple[str, ...] | list[str]) -> list[Option]:
    return [Option(code, country_name(code, ctx.language)) for code in codes]


def municipality_options(ctx: Context) -> list[Option]:
    return [Option(option_id(name), name) for name in programme(ctx).municipalities]


def language_options(ctx: Context) -> list[Option]:
    """Every language the bot speaks, each named in itself ("English", "Crnogorski")."""
    return [Option(code, ctx.content.text(code, "language_name")) for code in ctx.content.languages]


def listed_options(ctx: Context, group: str, codes: tuple[str, ...]) -> list[Option]:
    """Options whose labels live in the locale under ``group.<code>``."""
    return [Option(code, ctx.t(f"{group}.{code}")) for code in codes]


def value_text(ctx: Context, field: str, value: Any) -> str:
    """One profile value as the member reads it."""
    if value in (None, "", []):
        return ctx.t("profile.not_given")
    if field == "country":
        return country_name(str(value), ctx.language)
    if field == "sector":
        return ctx.t(f"sectors.{value}")
    if field == "languages":
        return ", ".join(ctx.t(f"spoken_languages.{code}") for code in value)
    if field == "interests":
        return ", ".join(ctx.t(f"interests.{code}") for code in value)
    if field == "preferred_channel":
        return ctx.t(f"channels.{value}")
    return str(value)


def profile_text(ctx: Context, profile: dict[str, Any]) -> str:
    """Every profile field with its value, one a line."""
    return "\n".join(
        f"{ctx.t(f'fields.{field}')}: {value_text(ctx, field, value)}"
        for field, value in profile.items()
    )
