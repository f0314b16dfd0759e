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
