"""The one rendering of an analysis result and of a diversity answer, for every surface.

* :mod:`.schemas` - the public answers as pydantic models, field by field (the OpenAPI document
  and ``meedenken analyze --json`` follow them); null means "not known".
* :mod:`.analysis` - result -> ``GET /analysis`` / stream answer, ``analyze --json`` answer, and
  the bridging list every surface shows.
* :mod:`.diversity` - database rows -> ``GET /diversity`` answer.
* :mod:`.tidy` - result -> tidy tables (pandas, CSV, Parquet) for researchers and the report.
"""
