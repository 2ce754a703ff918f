"""Small utilities every app may use (limits, client address, text, PDFs, API errors).

Below the apps: nothing here imports an app or the composition root (``gianhang``).
"""
