"""Gunicorn's settings for `make serve`, from the environment like the Django settings.

Command-line flags override them (bench/load.py sets its own workers and logs).

WEB_CONCURRENCY  worker processes (default: two per CPU core, plus one)
HOST, PORT       where to listen (default 127.0.0.1:8000; HOST=0.0.0.0 behind a proxy elsewhere)
"""

from __future__ import annotations

import gc
import multiprocessing
import os

wsgi_app = "onboarding.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Synchronous workers: every request is short, and the database and Redis hold all state, so
# more capacity is more processes (here or on more machines), never shared memory.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = 30
graceful_timeout = 20

# Access and error lines go to standard output and error, for the service manager to keep;
# share tokens are redacted from both.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = "onboarding.sharing.log_redaction.GunicornLogger"
# Several servers may run on one machine (tests, blue-green deploys); nothing here uses
# gunicorn's control socket, and they would all share its one default path.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Build the country pickers' choices before the worker takes its first request, then set
    all that the worker has loaded aside from garbage collection.

    The choices are computed once per process from babel's and phonenumbers' data, which loads a few
    hundred modules: a fifth of a second or more, else paid by the first person to open a step
    with a country picker on each worker.
    """
    from onboarding.journeys.forms.countries import warm

    warm()
    # What the worker holds now (Django, the apps' modules, the choices: some 270,000 objects)
    # lives as long as the process. Frozen, the collector stops walking it on each full
    # collection: in process, a first view's share of collecting fell from 0.4 ms to 0.15 ms.
    gc.collect()
    gc.freeze()
