"""Rebuild ``dashboard/store/reference/*.csv`` from the npm package ``idn-area-data``.

Run by hand when a new release of the package should be taken:

    npm pack idn-area-data@3.1.2 && tar xzf idn-area-data-3.1.2.tgz
    python scripts/derive_region_reference.py package/data

The data is (c) idn-area-data contributors under the Open Database License 1.0; see the
README's "Data sources and licences". Codes and names are copied unchanged; villages are
stored gzip-compressed because they are the only large table (83,763 rows).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "dashboard" / "store" / "reference"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="the package's data/ folder")
    args = parser.parse_args()
    for name in ("provinces.csv", "regencies.csv", "districts.csv"):
        shutil.copyfile(args.data_dir / name, OUT / name)
    with open(args.data_dir / "villages.csv", "rb") as src, gzip.GzipFile(
        OUT / "villages.csv.gz", "wb", compresslevel=9, mtime=0
    ) as dst:
        shutil.copyfileobj(src, dst)
    print(f"wrote reference tables to {OUT}")


if __name__ == "__main__":
    main()
