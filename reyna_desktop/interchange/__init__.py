"""Work that crosses the store's edge: a Markdown folder export and import (`mdfolder`) and
folders on disk linked to buckets (`folder_sync`: the sync algorithm; `folder_watcher`: the watchdog thread)."""
