"""QR posters: the links they hold, and PNGs that decode back to those links."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from staff import qr

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def decoded(png: bytes) -> list[str]:
    """The texts of the QR codes a scanner finds in the image."""
    image = Image.open(io.BytesIO(png))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_telegram_link_is_a_start_deep_link() -> None:
    """t.me/<bot>?start=ev_<slug>: what Telegram turns into /start ev_<slug>."""
    assert "https://t.me/DiasporaConnectBot?start=ev_diaspora-days-2027" == qr.telegram_link(
        "DiasporaConnectBot", "diaspora-days-2027"
    )


def test_the_whatsapp_link_types_event_and_the_slug() -> None:
    """wa.me/<digits>?text=EVENT%20<slug>, with the number reduced to its digits."""
    assert "https://wa.me/38220123456?text=EVENT%20diaspora-days-2027" == qr.whatsapp_link(
        "+382 20 123 456", "diaspora-days-2027"
    )


@pytest.mark.parametrize(
    ("make", "setting"),
    [
        (lambda: qr.telegram_link(None, "x"), "TELEGRAM_BOT_USERNAME is not set"),
        (lambda: qr.telegram_link("a b", "x"), "TELEGRAM_BOT_USERNAME 'a b' is not"),
        (lambda: qr.whatsapp_link(None, "x"), "TWILIO_WHATSAPP_NUMBER is not set"),
        (lambda: qr.whatsapp_link("12", "x"), "TWILIO_WHATSAPP_NUMBER '12' is not"),
    ],
)
def test_a_missing_or_wrong_setting_is_named(make: object, setting: str) -> None:
    """Without the username or number there is no link, and the error says which setting."""
    with pytest.raises(qr.QrError, match=setting):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    "link",
    [
        "https://t.me/DiasporaConnectBot?start=ev_diaspora-days-2027",
        "https://wa.me/38220123456?text=EVENT%20business-forum-budva-2027",
    ],
)
def test_a_poster_is_a_png_that_scans_back_to_its_link(link: str) -> None:
    """The PNG is a real PNG, and a scanner reads exactly the link from it."""
    png = qr.poster(link, "t.me/DiasporaConnectBot?start=ev_diaspora-days-2027")

    assert PNG_SIGNATURE == png[:8]
    assert "PNG" == Image.open(io.BytesIO(png)).format
    assert [link] == decoded(png)


def test_a_link_is_broken_only_where_a_reader_expects_a_break() -> None:
    """The caption breaks after / ? = _ - . or at a space, never inside a word: every line
    ends with a break character or is followed by a space, and together they are the link."""
    caption = "t.me/DiasporaConnectBot?start=ev_business-forum-budva-2027"
    font = qr.font(22)
    lines = qr.wrap(caption, font, 300)
    assert len(lines) > 1 and "".join(lines) == caption
    assert all(line[-1] in "/?=_-." for line in lines[:-1]), lines
    text = "wa.me/38220123456 · EVENT business-forum-budva-2027"
    spaced = qr.wrap(text, font, 300)
    rebuilt = spaced[0]
    for line in spaced[1:]:
        assert rebuilt[-1] in "/?=_-." or text[len(rebuilt)] == " ", (rebuilt, line)
        rebuilt += (" " if text[len(rebuilt)] == " " else "") + line
    assert text == rebuilt
    assert all(font.getlength(line) <= 300 for line in lines + spaced)


def test_a_word_wider_than_the_poster_is_still_cut_to_fit() -> None:
    """Only a word that cannot fit on its own is cut, so no text runs off the poster."""
    font = qr.font(22)
    lines = qr.wrap("x" * 80, font, 200)
    assert "".join(lines) == "x" * 80 and all(font.getlength(line) <= 200 for line in lines)


def test_a_poster_with_the_events_title_still_scans_and_is_taller() -> None:
    """The title (Montenegrin letters too) sits above the code, which still reads back."""
    link = "https://t.me/DiasporaConnectBot?start=ev_diaspora-days-2027"
    plain = Image.open(io.BytesIO(qr.poster(link)))
    titled_png = qr.poster(link, title="Dani dijaspore 2027 — Podgorica, Nikšić, Žabljak")
    titled = Image.open(io.BytesIO(titled_png))
    assert [link] == decoded(titled_png)
    assert titled.height > plain.height and titled.width == plain.width
