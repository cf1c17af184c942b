"""rkeras.r.r_location: rpy2's start-up probes of R answered from a cache keyed on R itself."""

import json
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("R") is None, reason="needs R")


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("RKERAS_NO_R_CACHE", raising=False)
    from rkeras.r import r_location

    monkeypatch.setattr(r_location, "_found", {})   # each test asks afresh
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
    # initr()'s third probe: R's front-end variables that differ from ours, minus R's temp dir
    # (what this process already has, e.g. after R started here, is not repeated)
    env = found["r_environment"]
    for name in ("R_SHARE_DIR", "R_LIBS_USER"):
        assert env.get(name, os.environ.get(name))
    assert "R_SESSION_TMPDIR" not in env


def test_initr_gets_the_cached_r_environment(cache_home, monkeypatch):
    import rpy2.rinterface as ri

    from rkeras.r import r_location

    found = r_location._cached_location()
    original = ri._getrenvvars
    with r_location.r_environment_answered():
        got = dict(ri._getrenvvars())
        assert got == {k: v for k, v in found["r_environment"].items()}
        monkeypatch.setenv("R_PAPERSIZE", found["r_environment"].get("R_PAPERSIZE", "a4"))
        assert "R_PAPERSIZE" not in dict(ri._getrenvvars())   # same as ours: not reported
    assert ri._getrenvvars is original


def test_a_changed_r_is_probed_again(cache_home):
    from rkeras.r import r_location

    first = r_location._cached_location()
    stale = dict(first, key=[[1, 1], first["key"][1]], ld_library_path="/stale")
    cache_home.write_text(json.dumps(stale))
    r_location._found.clear()
    assert r_location._cached_location() == first   # another R: probed again, entry replaced
    edited = dict(first, r_environment={"R_LIBS_USER": "/stale"})
    edited["key"] = [first["key"][0], [["HOME", "/elsewhere"]] + first["key"][1][1:]]
    cache_home.write_text(json.dumps(edited))
    r_location._found.clear()
    assert r_location._cached_location() == first   # another HOME: probed again
    cache_home.write_text("{not json")
    r_location._found.clear()
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
