"""Logging for ``meedenken serve``: uvicorn's access log without client addresses or queries.

uvicorn's default access line starts with the client's IP address and port, and prints the full
path including the query string (where a client might put a token). Neither is kept: the access
line here is ``INFO: "POST /conversations/1/votes HTTP/1.1" 201``. Nothing else in the service
logs addresses or user agents, and no table stores them (issue 8, privacy).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter

__all__ = ["PrivateAccessFormatter", "log_config"]

ACCESS_FORMAT = '%(levelprefix)s "%(request_line)s" %(status_code)s'


class PrivateAccessFormatter(AccessFormatter):
    """uvicorn's access formatter with the client address blanked and the query string cut."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _, method, full_path, http_version, status_code = args
            record = copy.copy(record)
            record.args = ("-", method, str(full_path).split("?", 1)[0], http_version,
                           status_code)
        return super().formatMessage(record)


def log_config() -> dict[str, Any]:
    """uvicorn's ``LOGGING_CONFIG`` with :class:`PrivateAccessFormatter` for the access log."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"] = {"()": f"{__name__}.PrivateAccessFormatter",
                                      "fmt": ACCESS_FORMAT}
    return config
