"""Never lose work: one window per store (`instance`), a crash journal for unsaved text
(`journal`) and verified, rotated backups (`backup`).

These modules sit above the store (they open it, or read its file). The atomic-write helper
they share with the store lives below it, in `reyna_desktop.atomic`, so that the store never
imports this package.
"""
