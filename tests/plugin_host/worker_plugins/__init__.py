"""Plugin folders with ``isolation = "process"``, copied to a temp folder by the tests."""
