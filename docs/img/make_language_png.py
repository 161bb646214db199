"""Render docs/img/workbook-es.png: the Stocktaking tab as ``init --language es`` creates it,
with a few answers a school typed in.

    .venv/bin/python docs/img/make_language_png.py /tmp/render docs/img/workbook-es.png [LANG]

Needs LibreOffice (soffice) and poppler-utils (pdftoppm).
"""

import subprocess
import sys
from pathlib import Path

import openpyxl
from PIL import Image, ImageOps

from sheets_sync import i18n
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.core.provision.plan import plan_provision
from sheets_sync.core.provision.templates import load_template, localise_template

d = Path(sys.argv[1]).resolve()
d.mkdir(parents=True, exist_ok=True)
out = Path(sys.argv[2])
lang = sys.argv[3] if len(sys.argv) > 3 else "es"
spec = localise_template(load_template("Stocktaking"), lang)
p = d / "stocktaking.xlsx"
p.unlink(missing_ok=True)
XlsxWorkbook(p, backups=0).provision([plan_provision(None, spec)])
b = openpyxl.load_workbook(p)
ws = b[spec.title]
yes, no = spec.columns[2].choices
for ref, v in {
    "D2": "Grupo de antiguos alumnos en LinkedIn y una jornada anual en junio.",
    "C4": no,
    "C5": yes,
    "C6": yes,
    "C7": yes,
}.items():
    ws[ref] = v
    ws[ref].alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
ws.print_area = "A1:E12"
b.save(p)
subprocess.run(
    ["soffice", f"-env:UserInstallation=file://{d}/prof", "--headless", "--convert-to", "pdf", "--outdir", str(d), str(p)],
    check=True,
    capture_output=True,
)
subprocess.run(
    ["pdftoppm", "-f", "1", "-l", "1", "-r", "110", "-png", str(d / "stocktaking.pdf"), str(d / "page")],
    check=True,
)
im = Image.open(next(d.glob("page*.png"))).convert("RGB")
box = ImageOps.invert(im).getbbox()
m = 12
im.crop((box[0] - m, box[1] - m, box[2] + m, box[3] + m)).save(out, optimize=True)
print(out, out.stat().st_size, i18n.translate(lang, i18n.TAB, "Stocktaking"))  # noqa: T201
