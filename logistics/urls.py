"""logistics URLs."""

urlpatterns: list = []
