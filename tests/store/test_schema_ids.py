"""The schema id constants name exactly the schemas that ship."""

from __future__ import annotations

from reyna_desktop import paths, schema_ids


def test_every_shipped_schema_has_a_constant_and_every_constant_a_schema() -> None:
    shipped = {f.stem for f in paths.schemas_dir().glob("*.json")}
    assert set(schema_ids.BLOB_SCHEMAS) | set(schema_ids.BUCKET_SCHEMAS) == shipped
