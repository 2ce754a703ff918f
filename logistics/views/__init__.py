"""Delivery pages, one module per product word: runs, batches, sheets, labels, the outbox
and the volunteers' route page (officers' volunteer list: ``logistics.volunteer_views``)."""
