from django.apps import AppConfig


class GianhangConfig(AppConfig):
    name = "gianhang"
    verbose_name = "Gian hàng 0 đồng"
