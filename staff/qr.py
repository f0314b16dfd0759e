"""QR posters: PNG images of the links that open an event's RSVP, for printed awareness material.

Telegram's link is a deep link (``t.me/<bot>?start=ev_<slug>``); WhatsApp has none, so its link
opens a chat with the text ``EVENT <slug>`` typed in, which the bot reads as the same deep link.
qrcode and Pillow load with the first poster.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from bot.errors import DiasporaError

if TYPE_CHECKING:
    from PIL import ImageFont

# Pixels a module, and the quiet zone in modules the QR standard asks for around the code.
_BOX = 12
_BORDER = 4
_CAPTION_SIZE = 22
_CAPTION_LINES = 3
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")


class QrError(DiasporaError):
    """A link cannot be made: a setting is missing or wrong."""


def telegram_link(username: str | None, slug: str) -> str:
    """The deep link that opens the event's RSVP in Telegram."""
    if not username:
        raise QrError(
            "TELEGRAM_BOT_USERNAME is not set: set it to the bot's username (as BotFather shows"
            " it) to make the Telegram QR code, or leave Telegram out with --channel whatsapp"
        )
    if not _USERNAME.match(username):
        raise QrError(f"TELEGRAM_BOT_USERNAME {username!r} is not a Telegram username")
    return f"https://t.me/{username}?start=ev_{slug}"


def whatsapp_link(number: str | None, slug: str) -> str:
    """The link that opens a WhatsApp chat with the bot, with ``EVENT <slug>`` typed in."""
    digits = "".join(char for char in number or "" if char.isdigit())
    if not number:
        raise QrError(
            "TWILIO_WHATSAPP_NUMBER is not set: set it to the bot's WhatsApp number to make the"
            " WhatsApp QR code, or leave WhatsApp out with --channel telegram"
        )
    if not 8 <= len(digits) <= 15:
        raise QrError(f"TWILIO_WHATSAPP_NUMBER {number!r} is not a phone number in E.164")
    return f"https://wa.me/{digits}?text={quote(f'EVENT {slug}')}"


def poster(link: str, caption: str = "") -> bytes:
    """A PNG of the link's QR code, with the caption (the link, by default) printed below."""
    # qrcode and Pillow are loaded by the first poster, not by every command that starts.
    import qrcode
    from PIL import Image, ImageDraw, ImageFont

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=_BOX, border=_BORDER
    )
    code.add_data(link)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    image = image.convert("RGB")
    font = ImageFont.load_default(size=_CAPTION_SIZE)
    # The caption goes below the quiet zone, as wide as the code itself.
    margin = _BOX * _BORDER
    lines = _wrap(caption or link, font, image.width - 2 * margin)
    line_height = _CAPTION_SIZE + 8
    canvas = Image.new(
        "RGB", (image.width, image.height + line_height * len(lines) + margin // 2), "white"
    )
    canvas.paste(image, (0, 0))
    draw = ImageDraw.Draw(canvas)
    for number, line in enumerate(lines):
        width = draw.textlength(line, font=font)
        top = image.height + number * line_height
        draw.text(((canvas.width - width) / 2, top), line, fill="black", font=font)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """Cuts the caption into lines that fit ``width`` pixels (links have no spaces to break at)."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and font.getlength(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    return lines[:_CAPTION_LINES]
