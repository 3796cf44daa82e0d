"""Catalogue messages (audio.messages) and text at the door (content.text)."""

from __future__ import annotations

import unicodedata

import pytest

from audio.messages import N_, Message, TranslatableError
from content.errors import LoaError
from content.text import InvalidText, clean_optional, clean_text
from scheduler.config import Label
from web.catalogue import catalogue, render_in

DECOMPOSED = unicodedata.normalize("NFD", "Xây dựng nông thôn mới")


def test_error_carries_id_code_and_params_and_is_english_in_logs():
    err = LoaError(N_("channel %(id)s does not exist"), code="channel.not_found", id=7)
    assert err.msgid == "channel %(id)s does not exist"
    assert err.code == "channel.not_found"
    assert err.params == {"id": 7}
    assert str(err) == "channel 7 does not exist"
    assert err.public_params() == {"id": 7}


def test_render_translates_and_fills_nested_and_localized_params():
    fake = {"Only %(what)s here": "Chỉ %(what)s ở đây", "one thing": "một thứ"}.get

    def gettext(msgid: str) -> str:
        return fake(msgid) or msgid

    msg = Message("Only %(what)s here", {"what": Message("one thing")})
    assert msg.render(gettext, "vi") == "Chỉ một thứ ở đây"
    assert str(msg) == "Only one thing here"
    label = Message("Only %(what)s here", {"what": Label(vi="Tin", en="News item")})
    assert label.render(gettext, "vi") == "Chỉ Tin ở đây"
    assert label.render(lambda m: m, "en") == "Only News item here"


def test_a_broken_translation_falls_back_to_english():
    msg = Message("%(n)s items", {"n": 3})
    assert msg.render(lambda _m: "%(missing)s mục", "vi") == "3 items"


def test_catalogue_renders_outside_a_request():
    # A msgid the catalogue already has (weekday names of the schedules).
    assert render_in(Message("Monday"), "vi") == "Thứ Hai"
    assert render_in(Message("Monday"), "en") == "Monday"
    assert catalogue("vi") is catalogue("vi")


def test_clean_text_composes_and_trims():
    assert clean_text(f"  {DECOMPOSED}\n", field=N_("title")) == "Xây dựng nông thôn mới"
    assert unicodedata.is_normalized("NFC", clean_text(DECOMPOSED, field=N_("title")))
    assert clean_text("a\r\nb\tc", field=N_("text"), multiline=True) == "a\nb\tc"
    assert clean_optional("   ", field=N_("text")) is None
    assert clean_optional(None, field=N_("text")) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("tiêu đề\x00", "text.control"),
        ("hai\ndòng", "text.control"),
        ("a\u202eb", "text.control"),
        ("\ud800", "text.surrogate"),
        ("a" + "\u0301" * 299, "text.marks"),
        (12, "text.type"),
    ],
)
def test_clean_text_refuses(value, code):
    with pytest.raises(InvalidText) as err:
        clean_text(value, field=N_("title"))
    assert err.value.code == code
    assert err.value.http_status == 422
    assert isinstance(err.value, TranslatableError)
