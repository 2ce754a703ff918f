"""Personal data: consent, the access log, notices, data-subject requests and retention."""
