"""Processors turn blobs and buckets into new derived blobs; the job runner schedules them."""
