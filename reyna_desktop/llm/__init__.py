"""Language-model backends behind one interface: embedded llama.cpp or an OpenAI-compatible server."""

from reyna_desktop.llm.base import Completion, ConnectionReport, LLMBackend, LLMError
from reyna_desktop.llm.factory import backend_from_settings, shared_backend, test_connection
from reyna_desktop.llm.model_files import default_model_path

__all__ = [
    "Completion",
    "ConnectionReport",
    "LLMBackend",
    "LLMError",
    "backend_from_settings",
    "default_model_path",
    "shared_backend",
    "test_connection",
]
