"""python manage.py entities merge|split|rename …: corrections by hand, kept across re-imports."""

from django.core.management.base import BaseCommand, CommandError

from cables.importing.entities import merge_entities, rename_entity, split_entity
from cables.models import Entity


class Command(BaseCommand):
    help = (
        "Correct entities by hand; every later import keeps the correction. "
        "merge TARGET SOURCE…: the sources become the target. "
        "split SLUG --name NAME --alias TEXT… [--key KEY…]: the mentions written so (or of "
        "those merge keys) become a new entity. rename SLUG NAME: a display name of your own."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        merge = commands.add_parser("merge", help="merge entities into the first one")
        merge.add_argument("target", metavar="TARGET")
        merge.add_argument("sources", nargs="+", metavar="SOURCE")
        split = commands.add_parser("split", help="move spellings or keys to a new entity")
        split.add_argument("slug", metavar="SLUG")
        split.add_argument("--name", required=True)
        split.add_argument("--alias", action="append", default=[], metavar="TEXT")
        split.add_argument("--key", action="append", default=[], metavar="KEY")
        rename = commands.add_parser("rename", help="give an entity a name of your own")
        rename.add_argument("slug", metavar="SLUG")
        rename.add_argument("name", metavar="NAME")

    def handle(self, *args, action, **options):
        if action == "merge":
            target = entity(options["target"])
            sources = [entity(slug) for slug in options["sources"]]
            count = merge_entities(sources, target, note="manage.py entities merge")
            self.stdout.write(f"merged {count} entities into {target.name} ({target.slug})")
        elif action == "split":
            source = entity(options["slug"])
            if not options["alias"] and not options["key"]:
                raise CommandError("split needs --alias or --key", returncode=2)
            unknown = [a for a in options["alias"] if " ".join(a.split()) not in source.aliases]
            if unknown:
                raise CommandError(
                    f"{source.slug} is never written {', '.join(unknown)}; "
                    f"it is written {', '.join(source.aliases)}",
                    returncode=2,
                )
            new = split_entity(
                source,
                options["name"],
                aliases=options["alias"],
                keys=options["key"],
                note="manage.py entities split",
            )
            self.stdout.write(
                f"made {new.name} ({new.slug}): {new.mention_count} mentions "
                f"in {new.cable_count} cables"
            )
        else:
            renamed = rename_entity(entity(options["slug"]), options["name"])
            self.stdout.write(f"renamed {renamed.slug} to {renamed.name}")


def entity(slug):
    found = Entity.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"no entity {slug}", returncode=2)
    return found
