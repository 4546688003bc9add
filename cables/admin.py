from django import forms
from django.contrib import admin, messages
from django.shortcuts import render

from .importing.entities import merge_entities, rename_entity, split_entity
from .models import (
    Cable,
    CableTag,
    Caveat,
    Entity,
    EntityCorrection,
    Mention,
    Paragraph,
    Reference,
    Tag,
)


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


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Entity.objects.none(), label="Merge into")


class SplitForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name of the new entity")
    aliases = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, label="Spellings to move"
    )


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    """Corrections by hand: rename (the change form), merge and split (actions). Each is kept
    as data that every later import applies again (cables.importing.entities)."""

    list_display = ["name", "kind", "cable_count", "mention_count", "slug", "merged_into"]
    list_filter = ["kind", "name_locked"]
    search_fields = ["name", "slug", "key"]
    show_full_result_count = False
    list_per_page = 50
    raw_id_fields = ["merged_into"]
    readonly_fields = ["key", "aliases", "mention_count", "cable_count", "name_locked"]
    fields = ["name", "kind", "slug", "key", "aliases", "mention_count", "cable_count"]
    fields += ["name_locked", "merged_into"]
    actions = ["merge_selected", "split_aliases"]

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            super().save_model(request, obj, form, change)
            rename_entity(obj, obj.name)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge selected into…")
    def merge_selected(self, request, queryset):
        entities = list(queryset)
        form = MergeForm(request.POST if "apply" in request.POST else None)
        form.fields["target"].queryset = queryset
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = merge_entities(entities, target, note=f"admin: {request.user}")
            self.message_user(request, f"Merged {merged} entities into {target.name}.")
            return None
        if len(entities) < 2:
            self.message_user(request, "Choose two entities or more.", messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge entities",
            "form": form,
            "entities": entities,
            "action": "merge_selected",
            "opts": self.model._meta,
        }
        return render(request, "admin/cables/entity/correct.html", context)

    @admin.action(description="Split chosen spellings into a new entity…")
    def split_aliases(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one entity to split.", messages.WARNING)
            return None
        entity = queryset.get()
        form = SplitForm(request.POST if "apply" in request.POST else None)
        form.fields["aliases"].choices = [(alias, alias) for alias in entity.aliases]
        if form.is_valid():
            new = split_entity(
                entity,
                form.cleaned_data["name"],
                aliases=form.cleaned_data["aliases"],
                note=f"admin: {request.user}",
            )
            self.message_user(request, f"Made {new.name} with {new.mention_count} mentions.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Split {entity.name}",
            "form": form,
            "entities": [entity],
            "action": "split_aliases",
            "opts": self.model._meta,
        }
        return render(request, "admin/cables/entity/correct.html", context)


@admin.register(EntityCorrection)
class EntityCorrectionAdmin(admin.ModelAdmin):
    list_display = ["key", "alias", "entity", "note", "created_at"]
    search_fields = ["key", "alias", "entity__name"]
    raw_id_fields = ["entity"]
    list_select_related = ["entity"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "cable"]
    list_filter = ["entity__kind"]
    search_fields = ["text", "entity__name", "cable__reference_id"]
    raw_id_fields = ["entity", "paragraph", "cable"]
    list_select_related = ["entity", "cable"]
    show_full_result_count = False
