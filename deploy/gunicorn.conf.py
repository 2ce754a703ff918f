"""gunicorn's settings, shared by the Compose file and the native stack (prod_local.py).

Sizes come from the environment (WEB_WORKERS, WEB_THREADS); the address to bind is given on
the command line. gunicorn's own access log is off: it would show only the proxy's address;
the app writes one line per request with the visitor's real one (gianhang.access).
"""

import os
import sys

workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = None
# No control socket in the home folder: several stacks may run on one machine.
control_socket_disable = True
errorlog = "-"
# Only the proxy may tell gunicorn the scheme (X-Forwarded-Proto); Django checks the same list.
forwarded_allow_ips = os.environ.get("GIANHANG_TRUSTED_PROXIES") or "127.0.0.1,::1"


def on_starting(server):
    """Load the settings once before forking: a wrong setting stops start-up in one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"gianhang: {error}", file=sys.stderr, flush=True)
        os._exit(2)
