"""Fair distribution API routes under /api/v1/ on a stall's host."""

from django.urls import path

from distribution import api

urlpatterns = [
    path("rounds/", api.RoundListApi.as_view(), name="api-rounds"),
    path("rounds/<int:pk>/", api.RoundDetailApi.as_view(), name="api-round"),
    path("rounds/<int:pk>/requests/", api.RequestCreateApi.as_view(), name="api-round-requests"),
    path("round-requests/<str:code>/", api.RequestStatusApi.as_view(), name="api-round-request"),
    path(
        "officer/rounds/<int:pk>/requests/",
        api.OfficerRoundRequestsApi.as_view(),
        name="api-officer-round-requests",
    ),
    path("wishes/", api.WishCreateApi.as_view(), name="api-wishes"),
    path("wishes/needed/", api.WantedApi.as_view(), name="api-wishes-needed"),
    path("sets/", api.SetApi.as_view(), name="api-sets"),
]
