"""rkeras.r.r_location: rpy2's start-up probes of R answered from a cache keyed on R itself."""

import json
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("R") is None, reason="needs R")


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("RKERAS_NO_R_CACHE", raising=False)
    return tmp_path / "rkeras" / "r-location.json"


def test_first_call_probes_r_and_caches_what_r_says(cache_home):
    from rkeras.r import r_location

    found = r_location._cached_location()
    r_home = subprocess.check_output(["R", "RHOME"], text=True).strip()
    assert found["r_home"] == r_home
    ld_path = subprocess.check_output(
        ["Rscript", "-e", 'cat(Sys.getenv("LD_LIBRARY_PATH"))'], text=True)
    assert found["ld_library_path"] == ld_path
    assert json.loads(cache_home.read_text()) == found


def test_a_changed_r_is_probed_again(cache_home):
    from rkeras.r import r_location

    first = r_location._cached_location()
    stale = dict(first, key=["/old/R", 1, 1], r_home="/nowhere")
    cache_home.write_text(json.dumps(stale))
    assert r_location._cached_location() == first   # the stale entry is replaced
    cache_home.write_text("{not json")
    assert r_location._cached_location() == first   # a torn file is probed again


def test_the_probe_is_answered_only_while_rpy2_is_imported(cache_home, monkeypatch):
    import rpy2.situation as situation

    from rkeras.r import r_location

    original = situation.r_ld_library_path_from_subprocess
    found = r_location._cached_location()
    monkeypatch.setattr(r_location.sys, "modules", {k: v for k, v in r_location.sys.modules.items()
                                                     if k != "rpy2.rinterface_lib.openrlib"})
    with r_location.rpy2_probes_answered():
        assert situation.r_ld_library_path_from_subprocess("/any") == found["ld_library_path"]
    assert situation.r_ld_library_path_from_subprocess is original


def test_no_cache_when_asked(cache_home, monkeypatch):
    from rkeras.r import r_location

    monkeypatch.setenv("RKERAS_NO_R_CACHE", "1")
    assert r_location._cached_location() is None
    assert not cache_home.exists()
