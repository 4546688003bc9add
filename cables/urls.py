from django.urls import path

from .views import cable, listing, pages

app_name = "cables"

urlpatterns = [
    path("", pages.home, name="home"),
    path("cables/", listing.cable_list, name="list"),
    path("cables/<str:reference_id>/", cable.cable_detail, name="detail"),
    path("cables/<str:reference_id>/p<str:number>/", cable.paragraph_detail, name="paragraph"),
    path("tags/<str:code>/", pages.tag_detail, name="tag"),
    path("entities/<slug:slug>/", pages.entity_detail, name="entity"),
]
