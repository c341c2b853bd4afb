"""Each gunicorn worker builds the country pickers' choices as it starts, not on a request."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

from onboarding.journeys.forms import countries

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_starting_worker_computes_the_country_choices_before_any_request():
    countries.country_choices.cache_clear()
    countries.phone_country_choices.cache_clear()
    hooks = runpy.run_path(str(CONFIG))
    hooks["post_worker_init"](object())
    assert countries.country_choices.cache_info().currsize == 1
    assert countries.phone_country_choices.cache_info().currsize == 1


def test_a_starting_worker_sets_what_it_has_loaded_aside_from_garbage_collection():
    gc.unfreeze()
    hooks = runpy.run_path(str(CONFIG))
    try:
        hooks["post_worker_init"](object())
        # Django and the test suite alone are far more than this many objects.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()
