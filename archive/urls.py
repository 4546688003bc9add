from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("cables.urls")),
]

handler404 = "cables.views.pages.not_found"
handler500 = "cables.views.pages.server_error"
