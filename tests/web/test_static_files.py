"""The static files storage: whitenoise's hashed files, each URL worked out once per process."""

from __future__ import annotations

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from onboarding.web.static_files import HashedStaticFiles

MANIFEST = {"css/portal.css": "css/portal.0123456789ab.css"}


def storage_with(tmp_path, storage_class=HashedStaticFiles):
    storage = storage_class(location=tmp_path, base_url="/static/")
    storage.hashed_files = dict(MANIFEST)
    return storage


def test_a_name_gets_the_same_hashed_url_as_from_whitenoise(tmp_path):
    ours = storage_with(tmp_path).url("css/portal.css")
    theirs = storage_with(tmp_path, CompressedManifestStaticFilesStorage).url("css/portal.css")

    assert ours == theirs == "/static/css/portal.0123456789ab.css"


def test_a_url_once_worked_out_is_not_looked_up_in_the_manifest_again(tmp_path):
    storage = storage_with(tmp_path)
    first = storage.url("css/portal.css")
    storage.hashed_files["css/portal.css"] = "css/portal.ffffffffffff.css"

    assert storage.url("css/portal.css") == first


def test_a_name_missing_from_the_manifest_is_refused_every_time_and_not_kept(tmp_path):
    storage = storage_with(tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    storage.hashed_files["css/missing.css"] = "css/missing.0123456789ab.css"

    assert storage.url("css/missing.css") == "/static/css/missing.0123456789ab.css"


def test_force_works_the_url_out_again(tmp_path):
    storage = storage_with(tmp_path)
    storage.url("css/portal.css")
    storage.hashed_files["css/portal.css"] = "css/portal.ffffffffffff.css"

    assert storage.url("css/portal.css", force=True) == "/static/css/portal.ffffffffffff.css"
