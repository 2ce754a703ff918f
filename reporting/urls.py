"""reporting URLs."""

urlpatterns: list = []
