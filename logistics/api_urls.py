"""logistics API routes."""

urlpatterns: list = []
