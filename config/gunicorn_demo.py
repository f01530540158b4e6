"""gunicorn's settings for the server ``make demo`` runs (``gunicorn -c config/gunicorn_demo.py``;
the Makefile adds ``--bind``).

The threaded server, as in production, rather than ``runserver``: ``runserver`` starts a thread
per request and each keeps its own database connection, so a burst of requests on PostgreSQL
opened as many connections as requests, up to the server's limit (« too many clients », answered
500). Here ``workers × threads`` threads serve every request — the others wait their turn in the
listen queue — and each keeps at most one connection (``CONN_MAX_AGE``): the web server never
holds more than ``workers × threads`` connections (2 × 4 = 8 by default; ``DEMO_WORKERS`` and
``DEMO_THREADS`` change it). The job worker ``make demo`` starts holds one more. SQLite works the
same way (WAL, a busy timeout)."""

import os

wsgi_app = "config.wsgi:application"
raw_env = ["DJANGO_SETTINGS_MODULE=config.settings.dev"]
worker_class = "gthread"
workers = int(os.environ.get("DEMO_WORKERS", "2"))
threads = int(os.environ.get("DEMO_THREADS", "4"))
keepalive = 5
timeout = 120  # a large export or PDF on a slow laptop
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
control_socket_disable = True


def max_connections() -> int:
    """The most database connections the web server holds."""
    return workers * threads
