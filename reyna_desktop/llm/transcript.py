"""Chat messages as a plain transcript, for models without a chat template (base models)."""

from __future__ import annotations

ROLE_NAMES = {"system": "", "user": "User", "assistant": "Assistant"}


def render_transcript(messages: list[dict[str, str]]) -> tuple[str, list[str]]:
    """The messages as "User: …\\nAssistant: …" text ending in an open "Assistant:" turn,
    and the stop sequences that end the assistant's turn."""
    lines: list[str] = []
    for message in messages:
        role = message.get("role", "user")
        content = message.get("content", "").strip()
        name = ROLE_NAMES.get(role, role.capitalize())
        lines.append(f"{name}: {content}" if name else content)
    lines.append("Assistant:")
    return "\n\n".join(lines), ["\nUser:", "\n\nUser"]
