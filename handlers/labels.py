"""How profile values read to a member: country names, list labels, the profile as text."""

from __future__ import annotations

from typing import Any

from bot.choices import words as locale_words
from bot.countries import country_name
from bot.flow import Context
from bot.messages import Option
from bot.text import fold

CHANNELS = ("telegram", "whatsapp", "email")


def words(ctx: Context, name: str) -> tuple[str, ...]:
    """Every language's answer words ``words.<name>`` ("yes", "da", "slažem se" …)."""
    return locale_words(ctx.content, name)


def yes_no(ctx: Context, yes: str, no: str) -> dict[str, tuple[str, ...]]:
    """The aliases that let "yes" and "no" (in any language) answer a confirmation whose
    options are ``yes`` and ``no``."""
    return {yes: words(ctx, "yes"), no: words(ctx, "no")}


def language_chosen(ctx: Context) -> bool:
    """Whether the member has chosen a language (a member always has; someone new once they
    picked one, even in a flow put aside meanwhile)."""
    if ctx.member is not None:
        return True
    answers: dict[str, Any] = ctx.answers
    while answers:
        if answers.get("_lang"):
            return True
        answers = (answers.get("_resume") or {}).get("answers") or {}
    return False


def before_language(ctx: Context, key: str) -> str:
    """The text for ``key`` in every language, the likely one first, until a language is
    chosen (someone new may not read the one their app suggests); after that, in theirs."""
    if language_chosen(ctx):
        return ctx.t(key)
    others = [language for language in ctx.content.languages if language != ctx.language]
    texts = [ctx.content.text(language, key) for language in [ctx.language, *others]]
    return "\n\n".join(dict.fromkeys(texts))


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
