"""``kiosk catalog list``: GIVEN an imported catalogue WHEN listed (or searched) THEN every
product shows with its code, price, tax rate and flags."""

from __future__ import annotations

from kiosk.cli import main

CSV = """\
sku,gtin,plu,name_ja,name_en,price,tax,price_includes_tax,department,age_restricted,weighed
A1,4901234000018,,おにぎり 鮭,Rice ball (salmon),150,reduced,1,food,0,0
B2,,101,バナナ,Bananas,398,reduced,1,produce,0,1
C3,4901234000292,,ビール 350ml,Beer 350 ml,228,standard,0,drinks,1,0
"""


def test_catalog_list_shows_what_was_imported(tmp_path, capsys):
    data = str(tmp_path / "d")
    csv_file = tmp_path / "products.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    assert main(["--data-dir", data, "catalog", "import", str(csv_file)]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "catalog", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line for line in out[1:4]}
    assert set(rows) == {"A1", "B2", "C3"}
    assert "4901234000018" in rows["A1"] and "150" in rows["A1"] and "reduced" in rows["A1"]
    assert "PLU 101" in rows["B2"] and "398/kg" in rows["B2"] and " W " in rows["B2"]
    assert "standard" in rows["C3"] and " AX " in rows["C3"]
    assert out[4].startswith("3 of 3 product(s)")
    assert main(["--data-dir", data, "catalog", "list", "--search", "beer"]) == 0
    out = capsys.readouterr().out
    assert "C3" in out and "A1" not in out and "1 of 3 product(s)" in out


def test_sample_config_and_serve_agree_on_the_back_office_port():
    import re
    from pathlib import Path

    from kiosk.backoffice.cli import DEFAULT_PORT

    root = Path(__file__).resolve().parents[1]
    sample = (root / "kiosk" / "default_config.toml").read_text(encoding="utf-8")
    ports = set(re.findall(r"url = \"http://[\w.]+:(\d+)\"", sample))
    assert ports == {str(DEFAULT_PORT)}
    readme = (root / "README.md").read_text(encoding="utf-8")
    other_ports = re.compile(r"127\.0\.0\.1:(?!" + str(DEFAULT_PORT) + r")\d{4}\b")
    assert not other_ports.findall(readme)
