#!/usr/bin/env bash
# Regenerate the user manual's screenshots (docs/manual/img/*.png) by driving the real pages in Chromium: the
# day-one browser journey saves a screenshot at each step when GONGJIAN_MANUAL_SHOTS is set. Then the PNGs are
# shrunk to a 64-colour palette so that the repository stays small.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
rm -f docs/manual/img/*.png
GONGJIAN_MANUAL_SHOTS=1 "$PY" -m pytest -q -p no:randomly tests/browser/test_day_one.py
"$PY" - <<'PYEOF'
from pathlib import Path

from PIL import Image

for path in sorted(Path("docs/manual/img").glob("*.png")):
    image = Image.open(path).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.name}: {path.stat().st_size // 1024} KB")
PYEOF
