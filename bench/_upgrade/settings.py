"""The project's settings plus the benchmark-only upgrade app in every stall schema."""

from gianhang.settings import *  # noqa: F403
from gianhang.settings import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench._upgrade"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench._upgrade"]
