"""Container health check: GET /healthz or /readyz of the local web process, exit 0 if 200.

    python deploy/healthcheck.py [healthz|readyz] [--url http://127.0.0.1:8000]

It asks as the proxy would (Host: the base domain, X-Forwarded-Proto: https), so neither
ALLOWED_HOSTS nor the HTTPS redirect turns a healthy answer into a 400 or a 301.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("check", nargs="?", default="healthz", choices=["healthz", "readyz"])
    parser.add_argument(
        "--url", default=os.environ.get("GIANHANG_HEALTH_URL", "http://127.0.0.1:8000")
    )
    parser.add_argument("--host", default=os.environ.get("GIANHANG_BASE_DOMAIN", "localhost"))
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    request = urllib.request.Request(  # noqa: S310 - http(s) URL of the local process
        f"{args.url.rstrip('/')}/{args.check}",
        headers={"Host": args.host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:  # noqa: S310
            body = response.read(2000).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(2000).decode("utf-8", "replace"), exc.code
    except (urllib.error.URLError, OSError) as exc:
        print(f"{args.check}: no answer ({exc})", file=sys.stderr)
        return 1
    print(f"{args.check}: {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
