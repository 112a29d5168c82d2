"""gunicorn settings for SchoolFit (``gunicorn -c config/gunicorn.conf.py 'app:create_app()'``).

With ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its metrics to that directory and
/metrics adds them up; a worker that ends must be marked dead, or its gauges linger.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A worker is replaced after this many requests (with jitter, so not all at once): memory a
# library keeps does not grow without bound over a school year.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl): two
# instances on one host (or a test next to a running app) would take each other's socket.
control_socket_disable = True


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
