"""Loading, once at service start, what the first request of each kind would otherwise wait for.

Measured on the 100,000-document registry, in a fresh process: the first
search by issuer and the first tracker page filtered by unit spent 2.2-3.6 s
building the unit gazetteer (:func:`~docparse.tasks.gazetteer.gazetteer`),
and the first decision page 1.4 s loading underthesea's word segmenter for
task matching (:func:`~docparse.registry.links.content_words`). Warmed in a
background thread, the service answers at once and those pages cost what
they cost afterwards.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Build the gazetteer and load the word segmenter (idempotent; both are cached for the process)."""
    from ..tasks.unit_lists import canonical_unit
    from .links import content_words

    canonical_unit("Sở Tư pháp")
    content_words("Rà soát dữ liệu hộ tịch")
    from ..workers import settle_loaded

    settle_loaded()  # the gazetteer and the segmenter out of the cyclic collector's walks


def warm_up_in_background() -> threading.Thread:
    """Start :func:`warm_up` in a daemon thread; a failure is logged, never raised (requests load lazily)."""

    def run() -> None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - warming is an optimisation; the request path loads what it needs
            log.exception("warm-up failed; the first requests will load the models themselves")

    t = threading.Thread(target=run, name="docparse-warm-up", daemon=True)
    t.start()
    return t
