from django.urls import path

from .views import cable, entities, listing, pages, search

app_name = "cables"

urlpatterns = [
    path("", pages.home, name="home"),
    path("cables/", listing.cable_list, name="list"),
    path("paragraphs/", search.paragraph_search, name="paragraphs"),
    path("cables/<str:reference_id>/", cable.cable_detail, name="detail"),
    path("cables/<str:reference_id>/p<str:number>/", cable.paragraph_detail, name="paragraph"),
    path("tags/", pages.tags_glossary, name="tags"),
    # TAGS codes as printed can hold a slash ("UNGA/C-6, CS").
    path("tags/<path:code>/", pages.tag_detail, name="tag"),
    path("origins/", pages.origins, name="origins"),
    path("origins/<str:code>/", pages.origin_detail, name="origin"),
    path("entities/", entities.entity_list, name="entities"),
    path("entities/<slug:slug>/", entities.entity_detail, name="entity"),
]
