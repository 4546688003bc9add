from django.urls import path

from . import views

app_name = "cables"

urlpatterns = [
    path("", views.home, name="home"),
    path("cables/", views.cable_list, name="list"),
    path("cables/<str:reference_id>/", views.cable_detail, name="detail"),
    path("cables/<str:reference_id>/p<str:number>/", views.paragraph_detail, name="paragraph"),
    path("tags/<str:code>/", views.tag_detail, name="tag"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity"),
]
