"""Dates and times both ways: R Date / POSIXct / difftime <-> numpy datetime64 and pandas.

R stores a Date as days and a POSIXct as seconds since 1970-01-01 UTC, in a
double (or integer) vector with a ``class`` (and for POSIXct a ``tzone``)
attribute. Both directions go through one routine each: :func:`_time_numbers`
reads those numbers (NA as a mask), :func:`_time_vector` writes them.

* Date -> ``datetime64[D]`` (length 1: ``datetime.date``); NA <-> ``NaT``.
* POSIXct -> tz-aware ``pandas.DatetimeIndex`` (tz = ``tzone``; no or empty
  ``tzone`` = local time, ``dateutil.tz.tzlocal()``, back as ``tzone = ""``;
  length 1: ``pandas.Timestamp``). POSIXlt: as its ``as.POSIXct()``.
* difftime -> ``timedelta64[us]`` :class:`RArray` keeping R's units.
* Back to R, a naive ``datetime64`` becomes Date when every value is
  midnight (or the unit is days or coarser), else POSIXct in UTC;
  ``timedelta64`` becomes ``difftime`` in seconds.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from typing import Optional, Sequence

import numpy as np

from ..sexp import (
    INTSXP,
    NA_INTEGER,
    REALSXP,
    STRSXP,
    R,
    cdata,
    get_attr,
    real_vector,
    set_attr,
    set_class,
    str_vector,
    strings,
    typeof,
    view,
)
from .rarray import with_r_attributes
from .rules import ConvertOptions, by_storage_type

__all__ = [
    "date_values", "posixct_values", "date_to_python", "posixct_to_python",
    "dates_to_r", "datetime64_to_r", "datetime_index_to_r", "datetime_to_r", "date_to_r",
    "datetime64_scalar_to_r", "timedelta64_to_r", "nat_to_r", "difftime_to_python",
    "posixlt_to_python", "fractional_dates_to_r", "is_local_tz",
]

_POSIXCT = ("POSIXct", "POSIXt")


# --------------------------------------------------------------------------
# R -> Python
# --------------------------------------------------------------------------
def _time_numbers(robj) -> tuple[np.ndarray, np.ndarray]:
    """(float64 numbers with 0 at NA, NA mask) of a Date/POSIXct vector stored as double or integer."""
    c = cdata(robj)
    t = typeof(c)
    v = view(robj, c, t, (R.rlib.Rf_xlength(c),))
    if t == INTSXP:
        bad = v == NA_INTEGER
        v = v.astype(np.float64)
    else:
        bad = ~np.isfinite(v)
    return np.where(bad, 0, v), bad


def date_values(robj) -> np.ndarray:
    """R Date (double or integer days) -> ``datetime64[D]`` (NaT for NA).

    A Date with a fraction of a day (``structure(18000.5, class = "Date")``)
    becomes ``datetime64[us]`` with the time of day kept, as an :class:`RArray`
    of class ``Date`` that :func:`rkeras.r.to_r` gives back as the same Date.
    """
    numbers, bad = _time_numbers(robj)
    days = np.floor(numbers)
    if np.array_equal(days, numbers):
        out = days.astype(np.int64).astype("datetime64[D]")
        out[bad] = np.datetime64("NaT")
        return out
    out = np.round(numbers * _US_PER_DAY).astype(np.int64).astype("datetime64[us]")
    out[bad] = np.datetime64("NaT")
    return with_r_attributes(out, {"class": ["Date"]})


def _local_tz():
    """The session's local time zone as a pandas tz (R's POSIXct with no or an empty ``tzone``)."""
    from dateutil.tz import tzlocal
    return tzlocal()


def is_local_tz(tz) -> bool:
    """True for the local-time tz that an R POSIXct without ``tzone`` gets in Python."""
    from dateutil.tz import tzlocal
    return isinstance(tz, tzlocal)


def posixct_values(robj):
    """R POSIXct -> tz-aware pandas DatetimeIndex (tz = ``tzone``; no or empty ``tzone`` = local time).

    R's POSIXct without a time zone means "the session's local time"; it gets
    ``dateutil.tz.tzlocal()`` (same instants, shown in local time, as R shows
    them), which :func:`rkeras.r.to_r` turns back into ``tzone = ""``. A
    ``tzone`` that pandas does not know gives UTC and a warning (R itself
    warns and uses UTC for an unknown time zone).
    """
    import pandas as pd
    numbers, bad = _time_numbers(robj)
    arr = np.round(numbers * 1e6).astype(np.int64).astype("datetime64[us]")
    arr[bad] = np.datetime64("NaT")
    idx = pd.DatetimeIndex(arr).tz_localize("UTC")
    tz_attr = get_attr(cdata(robj), R.S_tzone)
    tz = None
    if tz_attr is not None and typeof(tz_attr) == STRSXP and R.rlib.Rf_xlength(tz_attr):
        tz = strings(tz_attr)[0] or None
    if not tz:
        return idx.tz_convert(_local_tz())
    try:
        return idx.tz_convert(tz)
    except Exception:   # noqa: BLE001 - pandas raises several types for an unknown zone
        warnings.warn(f"the R POSIXct time zone {tz!r} is unknown to Python (and to R, which "
                      f"also uses UTC for it); the times come back in UTC", RuntimeWarning,
                      stacklevel=2)
        return idx


_US_PER_DAY = 86400e6
_DIFFTIME_SECONDS = {"secs": 1.0, "mins": 60.0, "hours": 3600.0, "days": 86400.0, "weeks": 604800.0}


def difftime_to_python(robj, opts: ConvertOptions):
    """The rule for R class ``difftime``: ``timedelta64[us]`` keeping R's units (an :class:`RArray`).

    Never simplified to a scalar, so the units always travel: ``to_r`` gives
    back a difftime in the same units (exact to the microsecond).
    """
    c = cdata(robj)
    units_attr = get_attr(c, R.S_units)
    units = strings(units_attr)[0] if units_attr is not None and typeof(units_attr) == STRSXP \
        and R.rlib.Rf_xlength(units_attr) else None
    if typeof(c) not in (REALSXP, INTSXP) or units not in _DIFFTIME_SECONDS or \
            get_attr(c, R.S_dim) is not None:
        return by_storage_type(robj, opts)
    numbers, bad = _time_numbers(robj)
    out = np.round(numbers * _DIFFTIME_SECONDS[units] * 1e6).astype(np.int64).astype("timedelta64[us]")
    out[bad] = np.timedelta64("NaT")
    return with_r_attributes(out, {"class": ["difftime"], "units": units})


def posixlt_to_python(robj, opts: ConvertOptions):
    """The rule for R class ``POSIXlt`` (a list of fields): as its ``as.POSIXct()``."""
    ct = R.ri.baseenv["as.POSIXct"](robj)
    return posixct_to_python(ct, opts)


def _time_to_python(robj, opts: ConvertOptions, values, scalar):
    if typeof(cdata(robj)) not in (REALSXP, INTSXP):
        return by_storage_type(robj, opts)
    v = values(robj)
    nm = get_attr(cdata(robj), R.S_names)
    if nm is not None:
        import pandas as pd
        return pd.Series(v, index=pd.Index(strings(nm), dtype=object))
    if opts.simplify and len(v) == 1 and not getattr(v, "r_attributes", None):   # RArray: keep its class
        return scalar(v[0])
    return v


def _date_scalar(d):
    if np.isnat(d):
        return None
    v = d.item()
    return v if isinstance(v, _dt.date) else d


def _timestamp_scalar(ts):
    import pandas as pd
    return None if ts is pd.NaT else ts


def date_to_python(robj, opts: ConvertOptions):
    """The rule for R class ``Date``."""
    return _time_to_python(robj, opts, date_values, _date_scalar)


def posixct_to_python(robj, opts: ConvertOptions):
    """The rule for R class ``POSIXct``."""
    return _time_to_python(robj, opts, posixct_values, _timestamp_scalar)


# --------------------------------------------------------------------------
# Python -> R
# --------------------------------------------------------------------------
def _time_vector(numbers, classes: Sequence[str], tz: Optional[str] = None):
    """An R double vector of ``numbers`` (NaN = NA) with a time class (and ``tzone``)."""
    o = real_vector(np.asarray(numbers, dtype=np.float64))
    set_class(o, list(classes))
    if tz is not None:
        set_attr(cdata(o), R.S_tzone, str_vector([tz]))
    return o


def dates_to_r(values: list):
    """``datetime.date`` values (None = NA) -> R Date."""
    epoch = _dt.date(1970, 1, 1)
    return _time_vector([np.nan if v is None else float((v - epoch).days) for v in values], ["Date"])


def datetime64_to_r(a: np.ndarray, tz: Optional[str]):
    """1-D datetime64 -> Date (unit of days or coarser, or all at midnight) or POSIXct (UTC)."""
    unit = np.datetime_data(a.dtype)[0]
    nat = np.isnat(a)
    if unit in ("Y", "M", "W", "D"):
        is_date = True
    else:
        days = a.astype("datetime64[D]")
        is_date = bool(np.all((a == days.astype(a.dtype)) | nat))
    if is_date and tz is None:
        d = a.astype("datetime64[D]").astype(np.int64).astype(np.float64)
        d[nat] = np.nan
        return _time_vector(d, ["Date"])
    secs = a.astype("datetime64[us]").astype(np.int64) / 1e6
    secs[nat] = np.nan
    return _time_vector(secs, _POSIXCT, "UTC" if tz is None else tz)


def datetime_index_to_r(idx):
    """pandas DatetimeIndex (naive or tz-aware) -> Date / POSIXct (local time -> ``tzone = ""``)."""
    tz = idx.tz
    if tz is not None:
        return datetime64_to_r(idx.tz_convert("UTC").tz_localize(None).to_numpy(),
                               "" if is_local_tz(tz) else str(tz))
    return datetime64_to_r(idx.to_numpy(), None)


def datetime_to_r(obj):
    """``datetime.datetime`` / ``pandas.Timestamp`` -> POSIXct (naive = UTC)."""
    import pandas as pd
    ts = pd.Timestamp(obj)
    if ts.tzinfo is None:
        us = np.array([ts.to_datetime64()], dtype="datetime64[us]").astype(np.int64)
        return _time_vector(us / 1e6, _POSIXCT, "UTC")
    return datetime_index_to_r(pd.DatetimeIndex([ts]))


def date_to_r(obj):
    """``datetime.date`` -> R Date."""
    return dates_to_r([obj])


def datetime64_scalar_to_r(obj):
    """A ``numpy.datetime64`` scalar -> Date or POSIXct."""
    return datetime64_to_r(np.array([obj]), None)


def timedelta64_to_r(a: np.ndarray, units: str = "secs"):
    """``timedelta64`` values -> R ``difftime`` in ``units`` (default seconds; NaT = NA)."""
    flat = a.reshape(-1, order="F")
    secs = flat.astype("timedelta64[ns]").astype(np.int64) / 1e9
    secs[np.isnat(flat)] = np.nan
    o = _time_vector(secs / _DIFFTIME_SECONDS.get(units, 1.0), ["difftime"])
    set_attr(cdata(o), R.S_units, str_vector([units if units in _DIFFTIME_SECONDS else "secs"]))
    return o


def fractional_dates_to_r(a: np.ndarray):
    """``datetime64`` values that came from an R Date with fractions of days -> that R Date."""
    flat = a.reshape(-1, order="F")
    days = flat.astype("datetime64[us]").astype(np.int64) / _US_PER_DAY
    days[np.isnat(flat)] = np.nan
    return _time_vector(days, ["Date"])


def nat_to_r():
    """``pandas.NaT`` alone -> an NA POSIXct."""
    return _time_vector([np.nan], _POSIXCT)
