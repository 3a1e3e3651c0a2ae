from pathlib import Path

import pytest

from kiosk.app import DEMO_CATALOGUE
from kiosk.cli import main
from kiosk.domain.product import TaxCategory
from kiosk.store.catalogue_csv import MAX_NAME_LENGTH, CatalogueImportError, read_catalogue_csv

HEADER = (
    "sku,gtin,plu,name_ja,name_en,price,tax,price_includes_tax,department,age_restricted,weighed\n"
)


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cat.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_demo_catalogue_is_realistic_and_valid():
    products = read_catalogue_csv(DEMO_CATALOGUE)
    assert len(products) >= 60
    by_dept = {p.department for p in products}
    assert {"food", "alcohol", "tobacco", "household", "produce", "news"} <= by_dept
    assert any(p.tax is TaxCategory.REDUCED for p in products)
    assert any(p.age_restricted for p in products)
    assert any(p.weighed and p.plu and not p.gtin for p in products)
    assert all(p.name_ja and p.name_en for p in products)


def test_errors_name_the_line_and_the_field(tmp_path):
    path = _csv(
        tmp_path,
        "A1,4901234000018,,おにぎり,Rice ball,150,reduced,1,food,0,0\n"
        "A2,4901234000019,,お茶,Tea,abc,reduced,1,food,0,0\n"
        "A3,,,石鹸,Soap,198,luxury,1,household,maybe,0\n"
        "A1,4901234000025,,重複,Dup,100,standard,1,food,0,0\n",
    )
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_csv(path)
    messages = [str(e) for e in info.value.errors]
    assert "line 3, field 'gtin': check digit does not match" in messages
    assert "line 3, field 'price': 'abc' is not whole yen" in messages
    assert "line 4, field 'tax': 'luxury': use standard or reduced" in messages
    assert "line 4, field 'age_restricted': 'maybe' is not 0/1/true/false" in messages
    assert "line 4, field 'gtin': a product needs a gtin or a plu" in messages
    assert "line 5, field 'sku': A1 repeats line 2" in messages


def test_cli_import_of_a_bad_file_imports_nothing(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "catalog", "import", str(DEMO_CATALOGUE)]) == 0
    bad = _csv(tmp_path, "B1,4901234000019,,x,x,1,standard,1,x,0,0\n")
    assert main(["--data-dir", str(data), "catalog", "import", str(bad)]) == 1
    assert "line 2, field 'gtin'" in capsys.readouterr().err
    main(["--data-dir", str(data), "sales", "list"])
    from kiosk.store import LocalStore

    assert len(LocalStore(data / "kiosk.sqlite3").load_catalogue()) >= 60


def test_a_name_with_a_bidi_override_or_control_character_is_refused(tmp_path):
    """GIVEN names that read differently from what they are (a right-to-left override, a
    bell, a line break inside quotes) WHEN imported THEN each is named by line and field and
    nothing is imported; a right-to-left mark in Hebrew text is fine."""
    path = _csv(
        tmp_path,
        "A1,4901234000018,,おにぎり,\u202elabel\u202c,150,reduced,1,food,0,0\n"
        "A2,4901234000025,,お茶\x07,Tea,100,reduced,1,food,0,0\n"
        'A3,4901234000032,,"石\n鹸",Soap,198,standard,1,household,0,0\n'
        "A4,4901234000049,,水,\u05de\u05d9\u05dd\u200f,98,reduced,1,\u2066food\u2069,0,0\n",
    )
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_csv(path)
    found = {(e.line, e.field) for e in info.value.errors}
    assert found == {(2, "name_en"), (3, "name_ja"), (5, "name_ja"), (6, "department")}
    assert "U+202E (right-to-left override)" in str(info.value)
    fine = _csv(tmp_path, "A4,4901234000049,,水,\u05de\u05d9\u05dd\u200f,98,reduced,1,food,0,0\n")
    assert read_catalogue_csv(fine)[0].name_en == "\u05de\u05d9\u05dd\u200f"


def test_a_name_longer_than_the_limit_is_refused_with_its_line(tmp_path, capsys):
    """A 300-character name was imported as it was: refused now, by line and field, and
    nothing is imported; a name of exactly MAX_NAME_LENGTH characters is fine."""
    long_name = "特選" * 150  # 300 characters
    at_limit = "x" * MAX_NAME_LENGTH
    path = _csv(
        tmp_path,
        f"A1,4901234000018,,おにぎり,{at_limit},150,reduced,1,food,0,0\n"
        f"A2,4901234000025,,{long_name},Tea,100,reduced,1,food,0,0\n"
        f"{'S' * 65},4901234000032,,石鹸,Soap,198,standard,1,household,0,0\n",
    )
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_csv(path)
    assert [str(e) for e in info.value.errors] == [
        "line 3, field 'name_ja': is 300 characters long; at most 80",
        "line 4, field 'sku': is 65 characters long; at most 64",
    ]
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "catalog", "import", str(path)]) == 1
    assert "line 3, field 'name_ja': is 300 characters long; at most 80" in capsys.readouterr().err
    fine = _csv(tmp_path, f"A1,4901234000018,,おにぎり,{at_limit},150,reduced,1,food,0,0\n")
    assert read_catalogue_csv(fine)[0].name_en == at_limit


def test_a_price_no_kiosk_line_can_hold_is_refused_by_line_and_field(tmp_path, capsys):
    """GIVEN a price of 20 digits (a pasted code in the price column) WHEN imported
    THEN one line names the row and the field — it was "unexpected error: OverflowError:
    Python int too large to convert to SQLite INTEGER" — and nothing is imported; a price of
    exactly the kiosk's line limit (kiosk.domain.limits) still imports."""
    from kiosk.domain.limits import MAX_LINE_AMOUNT

    path = _csv(
        tmp_path,
        "A1,4901234000018,,おにぎり,Rice ball,150,reduced,1,food,0,0\n"
        "A2,4901234000025,,お茶,Tea,99999999999999999999,reduced,1,food,0,0\n",
    )
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "catalog", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 3, field 'price': 99,999,999,999,999,999,999 yen is over" in err
    assert "Traceback" not in err and "OverflowError" not in err
    fine = _csv(tmp_path, f"A1,4901234000018,,おにぎり,Rice,{MAX_LINE_AMOUNT},reduced,1,food,0,0\n")
    assert read_catalogue_csv(fine)[0].price == MAX_LINE_AMOUNT
