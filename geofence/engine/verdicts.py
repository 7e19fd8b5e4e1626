"""Verdicts from signed distances: the decision rules, written once.

A signed distance is metres to the zone boundary, negative inside. Every
decision compares it with a threshold; `decision_thresholds` lists them so the
evaluator can recheck fixes that lie too close to one with exact geodesics.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Verdict(IntEnum):
    """How sure the engine is that a fix violates a zone."""

    CLEAR = 0
    POSSIBLE = 1  # a violation only if the true position lies within the accuracy radius
    DEFINITE = 2  # a violation even with the accuracy radius taken against it


class InactiveReason(IntEnum):
    """Why a zone was not tested for a fix; NONE means it was."""

    NONE = 0
    OUTSIDE_TIME_WINDOW = 1
    NO_RECENT_PROTECTED_FIX = 2  # a moving zone whose protected person's fix is missing or stale


def verdicts(signed_m: np.ndarray, accuracy_m: np.ndarray, inclusion: np.ndarray) -> np.ndarray:
    """Return Verdict codes (int8) for exclusion zones and, where `inclusion`, presence zones.

    Exclusion: DEFINITE when even the far edge of the accuracy disc is inside
    (signed + accuracy <= 0), POSSIBLE when its near edge is (signed <= accuracy).
    Presence obligation mirrors it: the violation is being outside.
    """
    excl_definite = signed_m + accuracy_m <= 0.0
    excl_possible = signed_m <= accuracy_m
    incl_definite = signed_m - accuracy_m > 0.0
    incl_possible = signed_m > -accuracy_m
    definite = np.where(inclusion, incl_definite, excl_definite)
    possible = np.where(inclusion, incl_possible, excl_possible)
    return (definite.astype(np.int8) + possible.astype(np.int8)).astype(np.int8)


def beyond_exit_margin(signed_m: np.ndarray, margin_m: np.ndarray, inclusion: np.ndarray) -> np.ndarray:
    """Return True where a fix is far enough out of the violation to count toward an exit."""
    return np.where(inclusion, signed_m < -margin_m, signed_m > margin_m)


def approach_levels(signed_m: np.ndarray, distances_m: np.ndarray, inclusion: np.ndarray) -> np.ndarray:
    """Return how many approach distances a fix is within (int8); 0 for presence zones.

    `distances_m` has one row per pair (NaN pads zones with fewer levels), so a
    fix inside an exclusion zone is within all of them.
    """
    within = signed_m[:, None] <= distances_m
    levels = within.sum(axis=1).astype(np.int8)
    levels[inclusion] = 0
    return levels


def decision_thresholds(accuracy_m: np.ndarray, margin_m: np.ndarray, distances_m: np.ndarray) -> np.ndarray:
    """Return, per pair, every signed distance at which some decision above flips."""
    acc = accuracy_m[:, None]
    margin = margin_m[:, None]
    return np.concatenate([np.zeros_like(acc), acc, -acc, margin, -margin, distances_m], axis=1)
