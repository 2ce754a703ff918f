"""The ``gianhang`` command: every manage.py command plus the product's own.

With no ``DATABASE_URL`` / ``REDIS_URL`` it first starts the embedded servers (or joins
the ones a running ``gianhang demo`` started on the same data folder), and it stops what it
started when the command ends, however it ends (normal exit, Ctrl-C, SIGTERM). On the
embedded servers every command runs in local mode, with secrets kept in the data folder;
production (``GIANHANG_ENV=production``) needs real servers and real secrets.
``gianhang celery ...`` runs Celery against the project's app.
"""

from __future__ import annotations

import os
import sys
import warnings

# Commands that never touch the database or Redis start no servers.
_OFFLINE_COMMANDS = {
    "help",
    "--help",
    "-h",
    "version",
    "--version",
    "makemessages",
    "compilemessages",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")

    from gianhang.embedded import default_data_dir, ensure_services, exit_on_sigterm

    exit_on_sigterm()
    # The embedded PostgreSQL's helper warns about a missing XDG_RUNTIME_DIR on servers.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    command = argv[1] if len(argv) > 1 else "help"
    if not os.environ.get("DATABASE_URL"):
        if os.environ.get("GIANHANG_ENV") == "production":
            sys.stderr.write(
                "gianhang: GIANHANG_ENV=production cần máy chủ thật: hãy đặt DATABASE_URL và "
                "REDIS_URL (production needs DATABASE_URL and REDIS_URL).\n"
            )
            return 1
        # The embedded servers are a local installation: no operator-chosen secrets.
        os.environ.setdefault("GIANHANG_LOCAL", "1")
    if command == "demo":
        # The demo runs with demo settings (no production secrets needed), children too.
        os.environ.setdefault("GIANHANG_DEMO", "1")
        # It collects static files at start: hashed names, long cache lifetimes, compressed.
        os.environ.setdefault("GIANHANG_COLLECTED_STATIC", "1")
    services = None
    try:
        if command not in _OFFLINE_COMMANDS:
            services = ensure_services(default_data_dir())
        if command == "celery":
            from celery.bin.celery import main as celery_main

            sys.argv = ["celery", "-A", "gianhang", *argv[2:]]
            return int(celery_main() or 0)
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # One line for a person; the whole trace only when asked for.
        if "--traceback" in argv:
            raise
        print(f"gianhang: {error_line(exc)}", file=sys.stderr)
        return 1
    finally:
        if services is not None:
            services.stop()


def error_line(exc: BaseException) -> str:
    """The error as one line: its own message(s), with its kind when that is all there is."""
    messages = getattr(exc, "messages", None)  # Django's ValidationError: a list of sentences
    text = " ".join(str(m) for m in messages) if messages else str(exc)
    text = " ".join(text.split())
    if not text:
        return type(exc).__name__
    if type(exc).__module__.startswith(("django.core.exceptions", "django.core.management")):
        return text
    return f"{text} ({type(exc).__name__}; thêm --traceback để xem chi tiết)"


if __name__ == "__main__":
    sys.exit(main())
