"""Render docs/img/workbook.png: the Framework tab as init creates it, plus a few entered cells.

    .venv/bin/python docs/img/make_workbook_png.py /tmp/render docs/img/workbook.png

Needs LibreOffice (soffice) and poppler-utils (pdftoppm).
"""

import subprocess
import sys
from pathlib import Path

import openpyxl
from PIL import Image, ImageOps

from sheets_sync.backends.xlsx import XlsxWorkbook
from sheets_sync.core.provision import plan_provision
from sheets_sync.core.templates import load_template

d = Path(sys.argv[1]).resolve()
d.mkdir(parents=True, exist_ok=True)
out = Path(sys.argv[2])
p = d / "framework.xlsx"
p.unlink(missing_ok=True)
XlsxWorkbook(p, backups=0).provision([plan_provision(None, load_template("Framework"))])
b = openpyxl.load_workbook(p)
ws = b["Framework"]
for ref, v in {
    "C2": "Alumni talk at every Open Day (since 2022)",
    "E2": "E",
    "C4": "Alumni guest lectures in 2nd year",
    "D4": "Buddy system with recent graduates",
    "E4": "V",
    "D6": "Annual alumni meeting",
    "F6": "Hairdressing",
}.items():
    ws[ref] = v
    ws[ref].alignment = openpyxl.styles.Alignment(
        wrap_text=True, vertical="top"
    )  # as Excel does from the column style
b.save(p)
subprocess.run(
    [
        "soffice",
        f"-env:UserInstallation=file://{d}/prof",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(d),
        str(p),
    ],
    check=True,
    capture_output=True,
)
subprocess.run(
    ["pdftoppm", "-f", "1", "-l", "1", "-r", "110", "-png", str(d / "framework.pdf"), str(d / "page")],
    check=True,
)
im = Image.open(next(d.glob("page*.png"))).convert("RGB")
box = ImageOps.invert(im).getbbox()
m = 12
im.crop((box[0] - m, box[1] - m, box[2] + m, box[3] + m)).save(out, optimize=True)
print(out, out.stat().st_size)  # noqa: T201
