"""`cables_import_seen.body_length` may be empty: a cable whose text a run finds stored
already is remembered without its body's length, which only a second text of that cable in
the same run needs (cables.importing.writer.BatchWriter.already_stored). Reading the length
read every stored body: the whole archive's text, on a re-import.

The table holds only what the run under way has met, and each run empties it when it starts:
it is made again, empty.
"""

from django.db import migrations

TABLE = "cables_import_seen"


def made(length):
    return (
        f"CREATE TABLE {TABLE} (reference_id varchar(40) NOT NULL PRIMARY KEY, "
        f"content_hash varchar(64) NOT NULL, body_length integer{length}, "
        "source varchar(500) NOT NULL)"
    )


class Migration(migrations.Migration):
    dependencies = [("cables", "0016_moves_pending")]

    operations = [
        migrations.RunSQL(
            [f"DROP TABLE {TABLE}", made("")], [f"DROP TABLE {TABLE}", made(" NOT NULL")]
        )
    ]
