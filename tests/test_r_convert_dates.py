"""rkeras.r.convert.dates: R Date / POSIXct / difftime <-> numpy datetime64 and pandas."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("rpy2")


from r_helpers import r_check, r_identical, rpy  # noqa: E402

pytestmark = pytest.mark.r


class TestDates:
    def test_date_vector(self):
        d = rpy("as.Date(c('2020-02-29', NA, '1969-12-31', '1900-01-01'))")
        assert d.dtype == np.dtype("datetime64[D]")
        assert str(d[0]) == "2020-02-29" and np.isnat(d[1]) and str(d[2]) == "1969-12-31"
        assert str(d[3]) == "1900-01-01"
        assert r_identical(d, "as.Date(c('2020-02-29', NA, '1969-12-31', '1900-01-01'))")

    def test_date_scalar(self):
        assert rpy("as.Date('1960-05-17')") == dt.date(1960, 5, 17)
        assert r_identical(dt.date(1960, 5, 17), "as.Date('1960-05-17')")
        assert rpy("as.Date(NA)") is None

    def test_posixct(self):
        p = rpy("as.POSIXct(c('2021-03-04 05:06:07', NA), tz = 'UTC')")
        assert isinstance(p, pd.DatetimeIndex) and str(p.tz) == "UTC"
        assert p[0] == pd.Timestamp("2021-03-04 05:06:07", tz="UTC") and p[1] is pd.NaT
        assert r_identical(p, "as.POSIXct(c('2021-03-04 05:06:07', NA), tz = 'UTC')")
        ny = rpy("as.POSIXct('2021-03-04 05:06:07', tz = 'America/New_York')")
        assert ny == pd.Timestamp("2021-03-04 05:06:07", tz="America/New_York")
        assert r_identical(ny, "as.POSIXct('2021-03-04 05:06:07', tz = 'America/New_York')")

    def test_datetime_to_r(self):
        t = dt.datetime(2000, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert r_check("function(x) format(x, '%Y-%m-%d %H:%M:%S', tz = 'UTC')", t) == "2000-01-02 03:04:05"
        assert r_check("function(x) class(x)[1]", dt.datetime(2000, 1, 2, 3)) == "POSIXct"

    def test_datetime64_rule(self):
        days = np.array(["2020-01-01", "NaT"], dtype="datetime64[D]")
        assert r_identical(days, "as.Date(c('2020-01-01', NA))")
        midnight = np.array(["2020-01-01T00:00"], dtype="datetime64[ns]")
        assert r_check("function(x) class(x)", midnight) == "Date"
        timed = np.array(["2020-01-01T12:00"], dtype="datetime64[s]")
        assert r_check("function(x) class(x)[1]", timed) == "POSIXct"
