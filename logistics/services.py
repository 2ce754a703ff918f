"""Writes on deliveries, in one place; each lives in the module named for its product word."""

from logistics.batches import (  # noqa: F401
    BatchError,
    BatchHandOver,
    batch_build,
    batch_close,
    batch_mark_ready,
    parcel_delivered,
    parcel_return,
    parcel_tracking_set,
    tracking_csv_import,
)
from logistics.notifications import notification_queue, notification_send  # noqa: F401
from logistics.routing import (  # noqa: F401
    RoutingError,
    order_delivery_override,
    order_route,
    orders_route_sweep,
)
from logistics.runs import (  # noqa: F401
    RunError,
    route_link_token,
    run_for_new_stops,
    run_plan,
    run_start,
    stop_mark,
    stop_mark_once,
    stop_move,
    volunteer_signup,
)
