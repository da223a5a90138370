"""Work that crosses the store's edge: a Markdown folder export and import (`mdfolder`) and
folders on disk linked to buckets (`linked_folders`)."""
