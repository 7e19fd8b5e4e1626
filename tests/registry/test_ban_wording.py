"""Radius and weekly hours in words: one helper for the lookup card and the victim letter."""

from django.utils import translation

from registry.wording import days_phrase, distance_text, window_phrase


def test_whole_kilometres_have_no_decimals():
    assert distance_text(5000) == "5 km"


def test_part_kilometres_use_the_dutch_decimal_comma():
    assert distance_text(2500) == "2,5 km"


def test_part_kilometres_use_a_decimal_point_in_english():
    with translation.override("en"):
        assert distance_text(2500) == "2.5 km"


def test_under_a_kilometre_is_in_metres():
    assert distance_text(750.4) == "750 m"


def test_window_ending_before_it_starts_is_a_night():
    window = {"days": [0, 1, 2, 3, 4], "start": "22:00", "end": "06:00"}
    assert window_phrase(window) == "in de nacht na ma t/m vr van 22:00 tot 06:00"
    assert window_phrase(window, long_names=True) == "in de nacht na maandag tot en met vrijdag van 22:00 tot 06:00"


def test_window_without_days_holds_every_day():
    assert window_phrase({"start": "08:00", "end": "18:00"}) == "elke dag van 08:00 tot 18:00"


def test_separate_days_are_listed():
    assert days_phrase([5, 6]) == "za en zo"
    assert days_phrase([0, 2, 4], long_names=True) == "maandag, woensdag en vrijdag"


def test_days_in_english():
    with translation.override("en"):
        assert days_phrase([0, 1, 2, 3, 4], long_names=True) == "Monday to Friday"
