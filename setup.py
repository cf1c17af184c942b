"""Build step of rkeras beyond pyproject.toml: the optional compiled copy into R's column order.

``rkeras/r/convert/_column_major.c`` is a plain C file (no Python headers), opened with
cffi's ABI mode by ``rkeras/r/convert/column_major.py``. It is optional: without a C
compiler the build says so and goes on, and conversions to R use numpy's slower copy.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "rkeras.r.convert._column_major",
    sources=["rkeras/r/convert/_column_major.c"],
    extra_compile_args=["-O3"],
    optional=True,
)])
