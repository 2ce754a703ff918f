"""catalog API routes."""

urlpatterns: list = []
