"""Ingesters: feeds, article pages, local files and OPML lists, into ArticleRecords for kb/."""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
