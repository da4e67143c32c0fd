"""Arabic normalisation and light stemming: the spellings of one word must meet."""

from __future__ import annotations

import re

import pytest

from khabar.textnorm import normalize_arabic, plain_words, search_form, search_words, spelling_key, spelling_pattern, stem, stem_arabic, stem_english, terms


def test_normalisation_drops_tashkeel_and_tatweel_and_unifies_letters():
    assert normalize_arabic("الصَّوَارِيخُ") == "الصواريخ"
    assert normalize_arabic("الكـــبيرة") == "الكبيره"
    assert normalize_arabic("أحمد إلى آمور ٱلله") == "احمد الي امور الله"
    assert normalize_arabic("مستشفى") == "مستشفي"


@pytest.mark.parametrize(
    "spellings",
    [
        ["صواريخ", "الصواريخ", "والصواريخ", "بالصواريخ", "الصَّوَارِيخ"],
        ["قمة", "القمة", "القمه", "والقمة"],
        ["أقمار", "الأقمار", "الاقمار", "وأقمار"],
        ["كورية", "الكورية", "الكوريه"],
        ["طيار", "الطيار", "للطيار", "الطيــار"],
    ],
)
def test_spellings_of_one_arabic_word_share_a_stem(spellings):
    assert len({stem(word) for word in spellings}) == 1, {word: stem(word) for word in spellings}


def test_light_stemmer_keeps_three_letters():
    assert stem_arabic("الصاروخيه") == "صاروخ"
    assert stem_arabic("وال") == "وال"
    assert stem_arabic("كتب") == "كتب"


def test_english_plurals_and_possessives():
    assert stem_english("missiles") == "missile"
    assert stem_english("countries") == "country"
    assert stem_english("russia's") == "russia"
    assert stem_english("crisis") == "crisis" and stem_english("press") == "press"


def test_stop_words_and_numbers_are_left_out_in_both_languages():
    counted = terms("قال الرئيس إن موسكو في 2023 ستساعد، وقال: The president said that Moscow will help the 2023 plan")
    assert "قال" not in counted and "في" not in counted and "the" not in counted and "that" not in counted
    assert not any(term.isdigit() for term in counted)
    assert counted["رئيس"] == 1 and counted["president"] == 1 and counted["moscow"] == 1 and counted["موسكو"] == 1


def test_latin_names_inside_arabic_text_are_terms():
    assert terms("مقاتلات Su-35 وSu-57")["su"] == 2


@pytest.mark.parametrize(
    "spellings",
    [
        ["بوتين", "وبوتين", "لبوتين", "بُوتِين", "ولبوتين", "بوتيـــن"],
        ["الأقمار", "الاقمار", "أقمار", "للأقمار", "وبالأقمار"],
        ["فوستوتشني", "فوستوشني", "وفوستوتشني"],
        ["٢٠٢٣", "۲۰۲۳", "2023"],
        ["Vostochny", "VOSTOCHNY", "vostochny"],
    ],
)
def test_spellings_of_one_word_share_a_search_form(spellings):
    assert len({search_form(word) for word in spellings}) == 1, {word: search_form(word) for word in spellings}


def test_search_form_keeps_names_that_begin_like_a_clitic():
    assert search_form("بوتين لبنان كوريا فلاديمير بلد وكيم") == "بوتين لبنان كوريا فلاديمير بلد كيم"


def test_search_form_is_words_only():
    assert search_form("«بوتين»، و(كيم)! Tu-95MS — َ") == "بوتين و كيم tu 95ms"


def test_search_words_are_the_distinct_words_of_the_search_form_in_order():
    text = "قال بوتين إن بوتين، وبوتين أيضًا، التقى كيم Kim in Vostochny, Kim said. ٢٠٢٣"
    assert search_words(text) == list(dict.fromkeys(search_form(text).split()))
    assert search_words(text)[:3] == ["قال", "بوتين", "ان"]


def test_plain_words_compare_titles_and_lines_as_arabic_is_read():
    assert plain_words("بُوتين يلتقي  كيمَ.") == plain_words("بوتين يلتقي كيم") == "بوتين يلتقي كيم"
    assert plain_words("«أوكرانيا» — إلى الأعلى!") == "اوكرانيا الي الاعلي"
    assert plain_words("Share this:") == plain_words("SHARE  THIS") == "share this"
    assert plain_words("بوتين يلتقي كيم") != plain_words("بوتين يلتقي شويغو")


@pytest.mark.parametrize("written", ["كيم جونغ أون", "كِيمْ جُونْغ أُون", "كيـــم جونغ اون", "كيم جونغ إون", "كيم\nجونغ آون"])
def test_a_spelling_pattern_matches_every_way_of_writing_the_name(written):
    assert re.fullmatch(spelling_pattern("كيم جونغ أون"), written)
    assert spelling_key(written) == spelling_key("كيم جونغ أون") == "كيم جونغ اون"


@pytest.mark.parametrize("written", ["كيم جونج أون", "كيم جونغ", "كيم\n\nجونغ أون", "كيمجونغ أون"])
def test_a_spelling_pattern_matches_nothing_else(written):
    assert not re.fullmatch(spelling_pattern("كيم جونغ أون"), written)


def test_spelling_patterns_unify_ta_marbuta_alef_maqsura_digits_and_latin_case():
    assert re.fullmatch(spelling_pattern("قمة مستشفى"), "قمه مستشفي")
    assert re.fullmatch(spelling_pattern("سو-35"), "سو-٣٥") and re.fullmatch(spelling_pattern("سو-35"), "سو-۳۵")
    assert re.fullmatch(spelling_pattern("Kim Jong Un"), "KIM JONG UN", re.IGNORECASE)
    assert spelling_key("Su-٣٥") == spelling_key("SU-35") == "su-35"
