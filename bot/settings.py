"""All settings, read once from the environment or ``.env`` and passed down."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if isinstance(value, int):
        return [str(value)]
    return value


class Settings(BaseSettings):
    """Diaspora Connect's settings; every field is documented in ``.env.example``."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook: bool = False
    telegram_webhook_secret: SecretStr | None = None
    # The bot's @username, for links and QR posters (t.me/<username>?start=...).
    telegram_bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{4,31}$")

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_whatsapp_number: str | None = None
    twilio_api_base_url: str | None = None
    # The secret of a Twilio Webhooks "SharedKey", for webhooks signed with one instead of the
    # auth token (they carry X-Twilio-Webhooks-Signature-Settings).
    twilio_webhook_shared_key: SecretStr | None = None
    public_base_url: str | None = None

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # Proxies (addresses or networks) whose X-Forwarded-For names the client; none by default,
    # so a client can never choose its own address by sending the header.
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list
    )

    database_path: Path = Path("data/diaspora.sqlite3")
    content_dir: Path = Path("content")

    staff_telegram_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    coordinator_telegram_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    staff_whatsapp_numbers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # A Telegram group where members' new questions are posted; a reply to one by staff or a
    # coordinator answers the member. Group ids are negative (-1001234567890).
    staff_telegram_chat_id: int | None = None
    dashboard_password: SecretStr | None = None
    # Signs the dashboard's session cookies; unset, a random key per process (sign-ins end when
    # the bot restarts).
    dashboard_secret_key: SecretStr | None = Field(default=None, min_length=32)

    # Outbox: messages a second per channel (0: no limit), seconds between two messages to one
    # Telegram chat, and how late a missed campaign message may still go out.
    telegram_rate: float = Field(default=25.0, ge=0)
    telegram_chat_interval: float = Field(default=1.0, ge=0)
    whatsapp_rate: float = Field(default=10.0, ge=0)
    missed_grace_hours: float = Field(default=6.0, ge=0)

    timezone: str = "Europe/Podgorica"
    default_language: str = "en"
    consent_version: str = "2026-11-v2"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator(
        "staff_telegram_ids", "coordinator_telegram_ids", "staff_whatsapp_numbers", mode="before"
    )
    @classmethod
    def _split(cls, value: object) -> object:
        return _split_ids(value)

    @field_validator(
        "telegram_bot_token",
        "twilio_auth_token",
        "twilio_webhook_shared_key",
        "telegram_webhook_secret",
        "dashboard_password",
        "dashboard_secret_key",
        "twilio_api_base_url",
        "public_base_url",
        "staff_telegram_chat_id",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        """``127.0.0.1, ::1, 10.0.0.0/8``: each an address or a network."""
        parts = _split_ids(value)
        if not isinstance(parts, list):
            return parts
        networks = []
        for part in parts:
            try:
                networks.append(ip_network(part, strict=False) if isinstance(part, str) else part)
            except ValueError:
                raise ValueError(f"not an IP address or network: {part!r}") from None
        return networks

    @field_validator("telegram_bot_username", mode="before")
    @classmethod
    def _username(cls, value: object) -> object:
        """``@diaspora_bot`` and ``diaspora_bot`` are the same; blank is unset."""
        if isinstance(value, str):
            return value.strip().removeprefix("@") or None
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone") from None
        return value

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> Settings:
        if self.telegram_webhook and not (self.public_base_url and self.telegram_webhook_secret):
            raise ValueError(
                "TELEGRAM_WEBHOOK=true needs PUBLIC_BASE_URL and TELEGRAM_WEBHOOK_SECRET"
            )
        return self

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(
            self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_number
        )


# What a setting expects, where pydantic's own words would say it in terms of its types.
_EXPECTED = {
    "http_port": "a whole number from 0 to 65535",
    "telegram_bot_username": "the bot's username: a letter, then 4 to 31 letters, digits or _",
    "timezone": "an IANA time zone such as Europe/Podgorica",
    "trusted_proxies": "IP addresses or networks, comma-separated",
}
_SECRETS = frozenset(
    name for name, field in Settings.model_fields.items() if "SecretStr" in str(field.annotation)
)
_SHOWN = 40


def _expected(error: ErrorDetails) -> str:
    """What a value should have been, from pydantic's error type and context."""
    kind, context = error["type"], error.get("ctx", {})
    if kind in ("too_short", "string_too_short"):
        return f"at least {context['min_length']} characters"
    if kind in ("too_long", "string_too_long"):
        return f"at most {context['max_length']} characters"
    if kind in ("float_parsing", "float_type"):
        return "a number"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return "true or false"
    if kind == "literal_error":
        return "one of " + str(context["expected"]).replace("'", "").replace(" or ", ", ")
    for bound, words in (
        ("ge", "of at least"),
        ("gt", "above"),
        ("le", "of at most"),
        ("lt", "below"),
    ):
        if bound in context:
            return f"a number {words} {context[bound]:g}"
    return error["msg"].removeprefix("Value error, ")


def problems(error: ValidationError) -> list[str]:
    """Each invalid setting in one line: the environment variable and what it expects, and the
    value given unless it is a secret."""
    lines = []
    for detail in error.errors(include_url=False):
        field = str(detail["loc"][0]) if detail["loc"] else ""
        if field not in Settings.model_fields:
            # A rule across settings (a model validator) names its variables itself.
            lines.append(f"invalid settings: {detail['msg'].removeprefix('Value error, ')}")
            continue
        line = f"invalid setting {field.upper()}: expected "
        line += _EXPECTED.get(field) or _expected(detail)
        value = detail.get("input")
        if field not in _SECRETS and isinstance(value, str | int | float):
            shown = str(value)
            shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
            line += f" (got {shown!r})"
        lines.append(line)
    return lines
