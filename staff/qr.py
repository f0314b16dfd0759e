"""QR posters: PNG images of the links that open an event's RSVP, for printed awareness material.

Telegram's link is a deep link (``t.me/<bot>?start=ev_<slug>``); WhatsApp has none, so its link
opens a chat with the text ``EVENT <slug>`` typed in, which the bot reads as the same deep link.
A poster says which event it is for (its title above the code) and prints the link below it,
broken only where a reader expects a break: at a space, or after ``/ ? = _ - .`` — never in
the middle of a word, unless a word alone is wider than the poster. The text is set in DejaVu
Sans (shipped with matplotlib), which has every Montenegrin letter. qrcode and Pillow load with
the first poster.
"""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path
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
_TITLE_SIZE = 30
_TITLE_LINES = 3
# Where a link may break: after these, or at a space.
_BREAK_AFTER = "/?=_-.&·"
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


def poster(link: str, caption: str = "", title: str = "") -> bytes:
    """A PNG of the link's QR code, with ``title`` (the event's) above it and the caption (the
    link, by default) below."""
    # qrcode and Pillow are loaded by the first poster, not by every command that starts.
    import qrcode
    from PIL import Image, ImageDraw

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=_BOX, border=_BORDER
    )
    code.add_data(link)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    image = image.convert("RGB")
    # The texts go inside the quiet zone's margins, as wide as the code itself.
    margin = _BOX * _BORDER
    room = image.width - 2 * margin
    title_font, caption_font = font(_TITLE_SIZE, bold=True), font(_CAPTION_SIZE)
    heading = wrap(title, title_font, room)[:_TITLE_LINES] if title.strip() else []
    lines = wrap(caption or link, caption_font, room)[:_CAPTION_LINES]
    title_height, line_height = _TITLE_SIZE + 10, _CAPTION_SIZE + 8
    top = margin // 2 + title_height * len(heading) if heading else 0
    canvas = Image.new(
        "RGB",
        (image.width, top + image.height + line_height * len(lines) + margin // 2),
        "white",
    )
    canvas.paste(image, (0, top))
    draw = ImageDraw.Draw(canvas)
    for number, line in enumerate(heading):
        width = draw.textlength(line, font=title_font)
        draw.text(
            ((canvas.width - width) / 2, margin // 2 + number * title_height),
            line,
            fill="black",
            font=title_font,
        )
    for number, line in enumerate(lines):
        width = draw.textlength(line, font=caption_font)
        below = top + image.height + number * line_height
        draw.text(((canvas.width - width) / 2, below), line, fill="black", font=caption_font)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()


def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (matplotlib's, found without importing matplotlib), else Pillow's own."""
    from PIL import ImageFont

    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin is not None:
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """``text`` in lines that fit ``width`` pixels, each broken at a space or after one of
    ``/ ? = _ - . & ·`` (a word is cut only when it alone is too wide)."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        candidate = line + piece
        if not line or font.getlength(candidate.rstrip()) <= width:
            line = candidate
            continue
        lines.append(line.rstrip())
        line = piece.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    fitted: list[str] = []
    for line in lines:
        fitted.extend(_cut(line, font, width))
    return fitted


def _pieces(text: str) -> list[str]:
    """The text in pieces that end at a break: ``t.me/`` ``Bot?`` ``start=`` ``ev_`` …"""
    pieces, piece = [], ""
    for char in text:
        if char == " " and piece:
            pieces.append(piece)
            piece = ""
        piece += char
        if char in _BREAK_AFTER:
            pieces.append(piece)
            piece = ""
    if piece:
        pieces.append(piece)
    return pieces


def _cut(line: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> list[str]:
    """A line that is still too wide (one long word), cut where it must be."""
    if font.getlength(line) <= width:
        return [line]
    lines, part = [], ""
    for char in line:
        if part and font.getlength(part + char) > width:
            lines.append(part)
            part = ""
        part += char
    return [*lines, part]
