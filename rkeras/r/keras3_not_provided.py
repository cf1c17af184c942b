"""keras3 1.5.1 exports that rkeras's R front end deliberately does not provide.

Data only, shared by ``tests/test_keras3_exports.py`` (an export that is neither
defined in the R front end nor listed here fails the test) and
``docs/keras3-compatibility.md``. Each entry is ``name: reason``; the reason says
why the name cannot or should not exist in rkeras's embedded R and what an R
user does instead. An entry is a decision, not a to-do: a name that is merely
not written yet stays off this table so the test keeps counting it as missing.
Functions that only make sense for R's reticulate set-up (``install_keras()``
and the like) are better provided as harmless messages than listed here.
"""

from __future__ import annotations

NOT_PROVIDED: dict[str, str] = {}
