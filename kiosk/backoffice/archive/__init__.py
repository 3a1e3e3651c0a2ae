"""The report archive: closed days and months kept as documents."""
