"""reporting API routes."""

urlpatterns: list = []
