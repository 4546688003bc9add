from django.contrib import admin

from .models import Cable, CableTag, Caveat, Entity, Mention, Paragraph, Reference, Tag


class CableTagInline(admin.TabularInline):
    model = CableTag
    raw_id_fields = ["tag"]
    extra = 0


class ParagraphInline(admin.StackedInline):
    model = Paragraph
    fields = ["position", "number", "anchor", "marking", "level", "caveats", "text"]
    extra = 0
    show_change_link = True


class ReferenceInline(admin.TabularInline):
    model = Reference
    fk_name = "from_cable"
    fields = ["position", "label", "printed", "target_reference_id", "target"]
    raw_id_fields = ["target"]
    extra = 0


@admin.register(Cable)
class CableAdmin(admin.ModelAdmin):
    list_display = ["reference_id", "created", "origin_name", "label", "subject"]
    list_filter = ["classification", "label", "year", "partial_extract", "caveats"]
    search_fields = ["reference_id", "subject", "origin", "origin_name"]
    date_hierarchy = "created"
    show_full_result_count = False  # counting 251,287 rows on every page is wasted work
    list_per_page = 50
    readonly_fields = ["content_hash", "source", "imported_at", "updated_at"]
    filter_horizontal = ["caveats"]
    inlines = [CableTagInline, ParagraphInline, ReferenceInline]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "marking", "level"]
    list_filter = ["level"]
    search_fields = ["cable__reference_id", "text"]
    raw_id_fields = ["cable"]
    list_select_related = ["cable"]
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "meaning", "cable_count"]
    list_filter = ["kind"]
    search_fields = ["code", "meaning"]


@admin.register(Caveat)
class CaveatAdmin(admin.ModelAdmin):
    list_display = ["code", "meaning"]
    search_fields = ["code", "meaning"]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["from_cable", "label", "printed", "target_reference_id", "target"]
    search_fields = ["from_cable__reference_id", "target_reference_id", "printed"]
    raw_id_fields = ["from_cable", "target"]
    list_select_related = ["from_cable", "target"]
    show_full_result_count = False


class MentionInline(admin.TabularInline):
    model = Mention
    fields = ["paragraph", "text", "start", "end"]
    raw_id_fields = ["paragraph"]
    extra = 0
    max_num = 200


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "cable_count", "mention_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "cable"]
    list_filter = ["entity__kind"]
    search_fields = ["text", "entity__name", "cable__reference_id"]
    raw_id_fields = ["entity", "paragraph", "cable"]
    list_select_related = ["entity", "cable"]
    show_full_result_count = False
