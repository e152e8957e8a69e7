"""Page reading on Celery workers over Redis: the OCR pool spread over machines (issue 28).

The ingest process keeps routing, filing and committing in input order; only reading (render, OCR, QR, text
layer) goes to `dibao worker` processes, which write nothing. So a batch files the same for any number of
workers, and a worker killed mid-page only costs its page being read again. Celery and redis-py are the
optional `cluster` extra: nothing here is imported unless a broker is configured.
"""

from __future__ import annotations

from .config import QueueUnreachable, shown_url
from .reader import QueueConfig

__all__ = ["QueueConfig", "QueueUnreachable", "shown_url"]
