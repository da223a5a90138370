"""The desktop window: bucket tree, split-pane blob editor, chat pane, jobs, search, settings."""
