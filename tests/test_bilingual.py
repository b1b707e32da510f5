"""Names in two scripts: the one in the other script than the page's carries `lang`."""

from __future__ import annotations

import pytest

from forum_mgmt.core import i18n
from forum_mgmt.core.templating import bilingual


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("林佳龍", "zh-TW"),
        ("2026 NGO領袖論壇", "zh-TW"),  # Han anywhere: Chinese
        ("ㄅㄆㄇ", "zh-TW"),
        ("𠀋", "zh-TW"),  # outside the Basic Multilingual Plane
        ("Lin Chia-lung", "en"),
        ("Zoë Müller", "en"),
        ("201", None),
        ("", None),
    ],
)
def test_the_script_of_a_text_gives_its_language(text, lang):
    assert i18n.text_lang(text) == lang


def test_an_english_page_marks_the_chinese_name():
    with i18n.language("en"):
        assert str(bilingual("Lin Chia-lung", "林佳龍")) == (
            'Lin Chia-lung <span class="alt" lang="zh-Hant-TW">林佳龍</span>'
        )
        # a name only in Chinese is marked too; one only in English is left alone
        assert str(bilingual("林佳龍", "")) == '<span lang="zh-Hant-TW">林佳龍</span>'
        assert str(bilingual("Main Hall", "")) == "Main Hall"
        assert str(bilingual("Room 201", "201")) == 'Room 201 <span class="alt">201</span>'


def test_a_chinese_page_marks_the_latin_name():
    with i18n.language("zh-TW"):
        assert str(bilingual("Lin Chia-lung", "林佳龍")) == (
            '林佳龍 <span class="alt" lang="en">Lin Chia-lung</span>'
        )
        assert str(bilingual("Main Hall", "")) == '<span lang="en">Main Hall</span>'


def test_both_names_are_escaped():
    with i18n.language("en"):
        html = str(bilingual("<b>A&B</b>", '"林"<i>'))
    assert html == (
        "&lt;b&gt;A&amp;B&lt;/b&gt; "
        '<span class="alt" lang="zh-Hant-TW">&#34;林&#34;&lt;i&gt;</span>'
    )
