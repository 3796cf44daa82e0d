"""espeak-ng for the speech tests: skip saying why when it is missing, fail under CI's
LOA_REQUIRE_ESPEAK=1 (set by .ci/run, which installs it)."""

from __future__ import annotations

import os
import shutil

import pytest


def require_espeak() -> str:
    """The espeak-ng program, or skip (fail when LOA_REQUIRE_ESPEAK=1)."""
    found = shutil.which("espeak-ng")
    if found is None:
        reason = "espeak-ng is not installed (apt-get install espeak-ng)"
        if os.environ.get("LOA_REQUIRE_ESPEAK") == "1":
            pytest.fail(reason + "; LOA_REQUIRE_ESPEAK=1 requires it")
        pytest.skip(reason)
    return found


@pytest.fixture
def espeak() -> str:
    """Skip (or fail in CI) a test that needs espeak-ng."""
    return require_espeak()
